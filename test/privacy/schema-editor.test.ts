import { describe, expect, test } from '@jest/globals';
import { bookingsSchema, type JsonSchemaObject } from '../../src/catalog/bookings-schema.js';
import { ConfigError } from '../../src/errors.js';
import { buildPathTree } from '../../src/privacy/property-paths.js';
import { editSchema, HASHED_DESCRIPTION } from '../../src/privacy/schema-editor.js';
import { thrown } from '../support/thrown.js';

const edited = (hash: string[], drop: string[] = []) => editSchema(bookingsSchema(), buildPathTree(hash, drop));
const props = (s: JsonSchemaObject | undefined) => s!.properties!;

describe('schema editor', () => {
  test('hashed properties become strings (nullable where they were), at any depth and in arrays', () => {
    const { schema, undeclared } = edited(['booker.email', 'passengers[].person.email', 'seats[]', 'customFields[].value', 'origin']);
    expect(undeclared).toEqual([]);
    expect(props(schema).origin).toEqual({ type: ['string', 'null'], description: HASHED_DESCRIPTION });
    expect(props(props(schema).booker).email).toEqual({ type: ['string', 'null'], description: HASHED_DESCRIPTION });
    const person = props(props(schema).passengers!.items as JsonSchemaObject).person!;
    expect(props(person).email).toEqual({ type: ['string', 'null'], description: HASHED_DESCRIPTION });
    expect(props(person).name).toEqual(props(props(bookingsSchema().properties!.passengers!.items as JsonSchemaObject).person).name);
    expect(props(schema).seats).toEqual({ type: ['array', 'null'], items: { type: ['string', 'null'], description: HASHED_DESCRIPTION } });
    expect((props(schema).customFields!.items as JsonSchemaObject).properties!.value).toEqual({ type: ['string', 'null'], description: HASHED_DESCRIPTION });
  });

  test('a hashed property that cannot be null stays not nullable', () => {
    const schema: JsonSchemaObject = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };
    expect(editSchema(schema, buildPathTree(['a'], [])).schema).toEqual({ type: 'object', properties: { a: { type: 'string', description: HASHED_DESCRIPTION } }, required: ['a'] });
  });

  test('dropped properties leave properties and required; nothing else changes, and the input is not modified', () => {
    const schema: JsonSchemaObject = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'object', properties: { c: { type: 'string' }, d: { type: 'string' } }, required: ['c', 'd'] } }, required: ['a', 'b'] };
    const before = structuredClone(schema);
    expect(editSchema(schema, buildPathTree([], ['a', 'b.c'])).schema).toEqual({ type: 'object', properties: { b: { type: 'object', properties: { d: { type: 'string' } }, required: ['d'] } }, required: ['b'] });
    expect(schema).toEqual(before);
    const { schema: bookings } = edited([], ['passengers[].person.passport', 'nameOnCreditCard']);
    expect(props(bookings).nameOnCreditCard).toBeUndefined();
    expect(props(props(props(bookings).passengers!.items as JsonSchemaObject).person).passport).toBeUndefined();
  });

  test('paths the schema does not declare are listed, and the schema keeps what it has', () => {
    const { schema, undeclared } = edited(['booker.phone', 'loyalty[].number', 'seats[].x', 'tripName.first'], ['extra']);
    expect(undeclared).toEqual(['booker.phone', 'loyalty[].number', 'seats[].x', 'tripName.first', 'extra']);
    expect(schema).toEqual(bookingsSchema());
  });

  test.each([
    [['passengers.person.email'], [], /hash_properties: "passengers.person.email" steps into "passengers" as an object, but the schema says it is an array; write "passengers\[\].person.email"/],
    [[], ['booker[].email'], /drop_properties: "booker\[\].email" steps into "booker" as an array \(\[\]\), but the schema says it is an object; write "booker.email"/],
    [['passengers[].person[].email'], [], /steps into "passengers\[\].person" as an array.*write "passengers\[\].person.email"/],
  ])('hash %j / drop %j: stepping into an array as an object or the other way round is a ConfigError with the fix', (hash, drop, why) => {
    expect(thrown(() => edited(hash, drop), ConfigError).message).toMatch(why);
  });

  test('no paths: the schema itself', () => {
    const schema = bookingsSchema();
    expect(editSchema(schema, undefined)).toEqual({ schema, undeclared: [] });
  });
});
