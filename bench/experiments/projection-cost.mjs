// What a catalog's projection costs per record: picking the kept properties from the parsed record and serialising
// them again (before issue 13 item 4) against copying the kept members from the record's bytes (selectMembers, now).
// An experiment for the README's figures, not part of `npm run bench`.
//
//   npm run build && node bench/experiments/projection-cost.mjs [RECORDS (5000)] [PASSES (7)]
//
// Records are the sandbox's (generateRecord), in pages of 100. Prints, per kept set, the median µs per record of
// each way, in CPU time (the machine may be busy): selectMembers walking each record, and split at the commas the page's reading noted (what the tap does),
// plus what noting them adds to locating the records of a page.
import { generateRecord } from '../../dist/sandbox/generate.js';
import { locateRecordSpans } from '../../dist/http/record-spans.js';
import { MemberNames, selectMembers } from '../../dist/util/json-bytes.js';

const N = Number(process.argv[2] ?? 5000);
const PASSES = Number(process.argv[3] ?? 7);
const types = ['FLIGHT', 'HOTEL', 'CAR', 'RAIL'];
const records = Array.from({ length: N }, (_, id) => generateRecord(7, { uuid: `u-${id}`, bookingType: types[id % 4], lastModified: Date.UTC(2025, 0, 1) + id * 1000, version: 1, id }));
const bytes = records.map((r) => Buffer.from(JSON.stringify(r)));
const all = [...new Set(records.flatMap((r) => Object.keys(r)))];
const pages = [];
for (let p = 0; p < N; p += 100) pages.push(Buffer.from(JSON.stringify({ data: records.slice(p, p + 100), page: { totalPages: N / 100 } })));
const located = pages.map((b) => locateRecordSpans(b, { members: true }));
const split = located.flatMap((l, p) => Array.from({ length: l.spans.length / 2 }, (_, k) => ({ raw: pages[p].subarray(l.spans[2 * k], l.spans[2 * k + 1]), at: { commas: l.commas, from: l.commasFrom[k], to: l.commasFrom[k + 1] } })));

function pick(record, keep) {
  const out = {};
  for (const key of Object.keys(record)) if (keep.has(key)) out[key] = record[key];
  return out;
}

function median(fn) {
  const times = [];
  for (let p = 0; p < PASSES; p++) {
    const t = process.cpuUsage();
    fn();
    const used = process.cpuUsage(t);
    times.push((used.user + used.system) / N);
  }
  return times.sort((a, b) => a - b)[Math.floor(PASSES / 2)];
}

let sink = 0;
const rows = [];
for (const [label, kept] of [['5 properties', ['uuid', 'lastModified', 'bookingType', 'grandTotal', 'currency']], [`${all.length - 5} properties`, all.slice(0, -5)], [`all ${all.length}`, all]]) {
  const keep = new Set(kept);
  const names = new MemberNames(keep);
  const before = median(() => { for (const r of records) sink += JSON.stringify(pick(r, keep)).length; });
  const walking = median(() => { for (const b of bytes) sink += selectMembers(b, names).length; });
  const atCommas = median(() => { for (const { raw, at } of split) sink += selectMembers(raw, names, at).length; });
  rows.push({ kept: label, 'pick + stringify µs': +before.toFixed(2), 'selectMembers walking µs': +walking.toFixed(2), 'selectMembers at noted commas µs': +atCommas.toFixed(2) });
}
const plain = median(() => { for (const b of pages) sink += locateRecordSpans(b).spans.length; });
const noting = median(() => { for (const b of pages) sink += locateRecordSpans(b, { members: true }).spans.length; });
rows.push({ kept: 'locating records, per record', 'pick + stringify µs': '', 'selectMembers walking µs': +plain.toFixed(2), 'selectMembers at noted commas µs': +noting.toFixed(2) });
console.log(`${N} sandbox records, ${(bytes.reduce((s, b) => s + b.length, 0) / N).toFixed(0)} bytes and ${(records.reduce((s, r) => s + Object.keys(r).length, 0) / N).toFixed(0)} properties each on average; median of ${PASSES} passes (sink ${sink % 10})`);
console.table(rows);
