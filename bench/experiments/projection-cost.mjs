// What a catalog's projection costs per record: picking the kept properties from the parsed record and serialising
// them again (before issue 13 item 4) against copying the kept members from the record's bytes (selectMembers, now).
// An experiment for the README's figures, not part of `npm run bench`.
//
//   npm run build && node bench/experiments/projection-cost.mjs [RECORDS (5000)] [PASSES (7)]
//
// Records are the sandbox's (generateRecord). Prints, per kept set, the median µs per record of each way.
import { generateRecord } from '../../dist/sandbox/generate.js';
import { MemberNames, selectMembers } from '../../dist/util/json-bytes.js';

const N = Number(process.argv[2] ?? 5000);
const PASSES = Number(process.argv[3] ?? 7);
const types = ['FLIGHT', 'HOTEL', 'CAR', 'RAIL'];
const records = Array.from({ length: N }, (_, id) => generateRecord(7, { uuid: `u-${id}`, bookingType: types[id % 4], lastModified: Date.UTC(2025, 0, 1) + id * 1000, version: 1, id }));
const bytes = records.map((r) => Buffer.from(JSON.stringify(r)));
const all = [...new Set(records.flatMap((r) => Object.keys(r)))];

function pick(record, keep) {
  const out = {};
  for (const key of Object.keys(record)) if (keep.has(key)) out[key] = record[key];
  return out;
}

function median(fn) {
  const times = [];
  for (let p = 0; p < PASSES; p++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1000 / N);
  }
  return times.sort((a, b) => a - b)[Math.floor(PASSES / 2)];
}

let sink = 0;
const rows = [];
for (const [label, kept] of [['5 properties', ['uuid', 'lastModified', 'bookingType', 'grandTotal', 'currency']], [`${all.length - 5} properties`, all.slice(0, -5)], [`all ${all.length}`, all]]) {
  const keep = new Set(kept);
  const names = new MemberNames(keep);
  const before = median(() => { for (const r of records) sink += JSON.stringify(pick(r, keep)).length; });
  const now = median(() => { for (const b of bytes) sink += selectMembers(b, names).length; });
  rows.push({ kept: label, 'pick + stringify µs': +before.toFixed(2), 'selectMembers µs': +now.toFixed(2) });
}
console.log(`${N} sandbox records, ${(bytes.reduce((s, b) => s + b.length, 0) / N).toFixed(0)} bytes and ${(records.reduce((s, r) => s + Object.keys(r).length, 0) / N).toFixed(0)} properties each on average; median of ${PASSES} passes (sink ${sink % 10})`);
console.table(rows);
