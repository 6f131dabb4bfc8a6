import { mix, Random } from './random.js';

export const BOOKING_TYPES = ['FLIGHT', 'HOTEL', 'CAR', 'RAIL'] as const;
export type SandboxBookingType = (typeof BOOKING_TYPES)[number];

const AIRPORTS = [
  { airportCode: 'JFK', city: 'New York', state: 'NY', country: 'US' }, { airportCode: 'SFO', city: 'San Francisco', state: 'CA', country: 'US' },
  { airportCode: 'LHR', city: 'London', state: null, country: 'GB' }, { airportCode: 'CDG', city: 'Paris', state: null, country: 'FR' },
  { airportCode: 'FRA', city: 'Frankfurt', state: null, country: 'DE' }, { airportCode: 'NRT', city: 'Tokyo', state: null, country: 'JP' },
  { airportCode: 'YYZ', city: 'Toronto', state: 'ON', country: 'CA' }, { airportCode: 'SIN', city: 'Singapore', state: null, country: 'SG' },
  { airportCode: 'ORD', city: 'Chicago', state: 'IL', country: 'US' }, { airportCode: 'AMS', city: 'Amsterdam', state: null, country: 'NL' },
];
const AIRLINES = [['UA', 'United Airlines', 'Star Alliance'], ['BA', 'British Airways', 'oneworld'], ['AF', 'Air France', 'SkyTeam'], ['LH', 'Lufthansa', 'Star Alliance'], ['DL', 'Delta Air Lines', 'SkyTeam']] as const;
// Some names are not ASCII, as in real travel data, so every path carries multi-byte UTF-8 (Latin-1 and beyond).
const HOTELS = [['Grand Central Hotel', 'Hilton'], ['Harbour View', 'Marriott'], ['Hôtel Lumière', 'Accor'], ['Park Suites', 'Hyatt'], ['東京ベイホテル', 'IHG']] as const;
const CURRENCIES = [['USD', 1], ['EUR', 0.92], ['GBP', 0.79], ['CAD', 1.36], ['JPY', 151.2]] as const;
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Edsger', 'Frances', 'John'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Dijkstra', 'Allen', 'Backus'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Marketing', 'Operations'];
const STATUSES: Record<SandboxBookingType, string[]> = { FLIGHT: ['TICKETED', 'CANCELLED', 'EXCHANGED'], HOTEL: ['CONFIRMED', 'CANCELLED', 'CHECKED_OUT'], CAR: ['CONFIRMED', 'CANCELLED'], RAIL: ['TICKETED', 'CANCELLED'] };

const DAY = 86_400_000;

function person(r: Random) {
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const email = `${first}.${last}@example.com`.toLowerCase();
  return { uuid: r.hex(8), name: `${first} ${last}`, email, department: r.pick(DEPARTMENTS), costCenter: `CC-${r.int(100, 999)}` };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface RecordIdentity {
  uuid: string;
  bookingType: SandboxBookingType;
  lastModified: number;
  version: number;
  id: number;
}

/** Build one booking from its identity: the same identity (and seed) always gives the same record. */
export function generateRecord(seed: number, who: RecordIdentity): Record<string, unknown> {
  const r = new Random(mix(mix(seed, who.id), who.version));
  const created = who.lastModified - r.int(0, 30) * DAY - r.int(0, DAY);
  const start = created + r.int(1, 90) * DAY;
  const nights = r.int(1, 7);
  const end = start + nights * DAY;
  const [currency, rate] = r.pick(CURRENCIES);
  const base = r.money(80, 2500);
  const tax = Math.round(base * 0.12 * 100) / 100;
  const fee = r.chance(0.5) ? 0 : r.money(5, 40);
  const booker = { ...person(r), region: r.pick(['NA', 'EMEA', 'APAC']), subsidiary: r.pick(['Acme Inc', 'Acme GmbH', null]), managerUuid: r.chance(0.7) ? r.hex(8) : null };
  const passengerCount = who.bookingType === 'HOTEL' ? 1 : r.int(1, 3);
  const passengers = Array.from({ length: passengerCount }, () => ({
    person: { ...person(r), managerName: null, managerEmail: null, passport: r.chance(0.5) ? { countryOfCitizenship: 'US', countryOfIssue: 'US', issuedOn: day(created - 900 * DAY), expiresOn: day(created + 2000 * DAY) } : null },
    travelerType: r.pick(['EMPLOYEE', 'GUEST']),
    status: 'ACTIVE',
  }));
  const status = who.version > 0 && r.chance(0.3) ? 'CANCELLED' : r.pick(STATUSES[who.bookingType]);
  const record: Record<string, unknown> = {
    uuid: who.uuid,
    lastModified: new Date(who.lastModified).toISOString(),
    bookingId: `BK${(who.id + 100000).toString(36).toUpperCase()}`,
    confirmationNumber: r.hex(6).toUpperCase(),
    tripUuids: [r.hex(8)],
    tripName: r.chance(0.6) ? `Trip to ${r.pick(AIRPORTS).city}` : null,
    tripDescription: null,
    created: new Date(created).toISOString(),
    startDate: day(start),
    endDate: day(end),
    cancelledAt: status === 'CANCELLED' ? new Date(who.lastModified).toISOString() : null,
    leadTimeInDays: Math.round((start - created) / DAY),
    bookingDuration: nights,
    bookingType: who.bookingType,
    bookingStatus: status,
    bookingMethod: r.pick(['ONLINE', 'AGENT']),
    inventory: r.pick(['GDS', 'DIRECT']),
    inventorySource: r.pick(['AMADEUS', 'SABRE', null]),
    domestic: r.pick(['DOMESTIC', 'INTERNATIONAL']),
    approvalStatus: r.pick(['APPROVED', 'PENDING', 'NOT_REQUIRED', 'DENIED']),
    approverEmail: r.chance(0.5) ? 'approver@example.com' : null,
    approverReason: null,
    booker,
    passengers,
    numberOfPassengers: passengerCount,
    basePrice: base,
    tax,
    vat: null,
    bookingFee: fee,
    grandTotal: Math.round((base + tax + fee) * 100) / 100,
    usdGrandTotal: Math.round(((base + tax + fee) / rate) * 100) / 100,
    currency,
    currencyExchangeRateFromUsd: rate,
    paymentMethod: r.pick(['CREDIT_CARD', 'INVOICE', 'CENTRAL_BILL']),
    paymentCreditCardTypeName: r.pick(['VISA', 'MASTERCARD', 'AMEX', null]),
    invoiceNumber: r.chance(0.5) ? `INV-${r.int(10000, 99999)}` : null,
    expensed: r.chance(0.5),
    outOfPolicy: r.chance(0.15),
    outOfPolicyViolationTypes: [],
    purpose: r.pick(['Client meeting', 'Conference', 'Training', null]),
    costCenters: [booker.costCenter],
    departments: [booker.department],
    customFields: r.chance(0.3) ? [{ name: 'project', value: `P-${r.int(1, 99)}` }] : [],
    carbonEmissions: Math.round(r.next() * 900 * 10) / 10,
  };
  if (who.bookingType === 'FLIGHT' || who.bookingType === 'RAIL') {
    const origin = r.pick(AIRPORTS);
    let destination = r.pick(AIRPORTS);
    if (destination === origin) destination = AIRPORTS[(AIRPORTS.indexOf(origin) + 1) % AIRPORTS.length]!;
    const [code, airline, alliance] = r.pick(AIRLINES);
    const cabin = r.pick(['ECONOMY', 'PREMIUM_ECONOMY', 'BUSINESS']);
    Object.assign(record, {
      origin, destination, vendor: who.bookingType === 'FLIGHT' ? airline : 'National Rail', flight: `${code}${r.int(10, 9999)}`, cabin, cabinPurchased: cabin,
      fareClass: r.pick(['Y', 'M', 'J', 'C']), fareBasisCode: r.hex(6).toUpperCase(), flightMiles: r.int(200, 7000),
      seats: [`${r.int(1, 40)}${r.pick(['A', 'C', 'D', 'F'])}`], etickets: [String(r.int(1e9, 9e9))],
      segments: [
        {
          flightNumber: `${code}${r.int(10, 9999)}`, providerCode: code, providerName: airline, airlineAlliance: alliance, cabin, fareClass: 'Y',
          departure: { airportCode: origin.airportCode, city: origin.city, country: origin.country, address: null },
          arrival: { airportCode: destination.airportCode, city: destination.city, country: destination.country, address: null },
          startTimestamp: Math.floor(start / 1000), endTimestamp: Math.floor(start / 1000) + r.int(1, 14) * 3600,
          startLocalDateTime: new Date(start).toISOString().slice(0, 19), endLocalDateTime: new Date(start + 5 * 3600_000).toISOString().slice(0, 19),
        },
      ],
    });
  } else if (who.bookingType === 'HOTEL') {
    const [name, chain] = r.pick(HOTELS);
    const where = r.pick(AIRPORTS);
    Object.assign(record, {
      vendor: chain, destination: where,
      hotel: { name, chain, address: `${r.int(1, 400)} Main Street`, city: where.city, country: where.country, checkIn: day(start), checkOut: day(end), nights, roomType: r.pick(['KING', 'QUEEN', 'TWIN', 'SUITE']) },
      resortFee: r.chance(0.2) ? r.money(10, 50) : null,
    });
  } else {
    const where = r.pick(AIRPORTS);
    Object.assign(record, { vendor: r.pick(['Hertz', 'Avis', 'Sixt']), origin: where, destination: where });
  }
  return record;
}
