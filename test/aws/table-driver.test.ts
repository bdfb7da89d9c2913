/**
 * The AWS shim's table driver without an emulator: the exact DynamoDB requests behind each table
 * call (a scripted client records them), the Scan paging that turns DynamoDB pages into the
 * client's pages, and the marshalling of JSON items to attribute values and back. The same driver
 * runs against moto's DynamoDB in test/emulators/aws-tables.test.ts.
 */
import * as sdk from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import type { TableRef } from '../../src/runtime/tables.js';
import { dynamoTables, marshal, marshalItem, numberText, unmarshal, unmarshalItem } from '../../templates/shims/common/aws-resources.js';

const T: TableRef = { name: 'todos', physical: 'shop-dev-todos', key: 'id', access: 'readwrite' };

/** A DynamoDB client that answers from a script and records every command. */
function scripted(answer: (name: string, input: any) => unknown) {
  const sent: Array<{ name: string; input: any }> = [];
  const client = {
    async send(cmd: { constructor: { name: string }; input: unknown }) {
      const name = cmd.constructor.name.replace(/Command$/, '');
      sent.push({ name, input: cmd.input });
      return answer(name, cmd.input);
    },
  };
  const driver = dynamoTables(async () => ({ sdk: sdk as never, client }));
  return { driver, sent };
}

const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
const item = (id: string) => ({ id: { S: id } });

describe('aws table driver: the DynamoDB requests', () => {
  it('get is a strongly consistent GetItem by the key attribute; no item is undefined', async () => {
    const { driver, sent } = scripted((_, i) => (i.Key.id.S === 'a' ? { Item: { id: { S: 'a' }, n: { N: '1' } } } : {}));
    expect(await driver.get(T, 'a')).toEqual({ id: 'a', n: 1 });
    expect(await driver.get(T, 'b')).toBeUndefined();
    expect(sent[0]).toEqual({ name: 'GetItem', input: { TableName: 'shop-dev-todos', Key: { id: { S: 'a' } }, ConsistentRead: true } });
  });

  it('put is a PutItem of the marshalled item; ifAbsent / ifExists are conditions on the key, false when they fail', async () => {
    let fail = false;
    const { driver, sent } = scripted(() => {
      if (fail) throw conditionFailed();
      return {};
    });
    const ref = { ...T, key: 'name' }; // a reserved word in DynamoDB expressions: always through #k
    expect(await driver.put(ref, 'x', { name: 'x', tags: ['a'], n: 2 }, undefined)).toBe(true);
    expect(await driver.put(ref, 'x', { name: 'x' }, 'absent')).toBe(true);
    expect(await driver.put(ref, 'x', { name: 'x' }, 'exists')).toBe(true);
    expect(sent.map((s) => s.input)).toEqual([
      { TableName: 'shop-dev-todos', Item: { name: { S: 'x' }, tags: { L: [{ S: 'a' }] }, n: { N: '2' } } },
      { TableName: 'shop-dev-todos', Item: { name: { S: 'x' } }, ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': 'name' } },
      { TableName: 'shop-dev-todos', Item: { name: { S: 'x' } }, ConditionExpression: 'attribute_exists(#k)', ExpressionAttributeNames: { '#k': 'name' } },
    ]);
    fail = true;
    expect(await driver.put(ref, 'x', { name: 'x' }, 'absent')).toBe(false);
    expect(await driver.put(ref, 'x', { name: 'x' }, 'exists')).toBe(false);
    // Without a condition a ConditionalCheckFailed cannot happen; any error is thrown, never turned into false.
    await expect(driver.put(ref, 'x', { name: 'x' }, undefined)).rejects.toThrow('The conditional request failed');
  });

  it('delete is a DeleteItem; ifExists adds attribute_exists and ALL_OLD and answers whether there was one', async () => {
    let had = true;
    const { driver, sent } = scripted((_, i) => {
      if (i.ConditionExpression && !had) throw conditionFailed();
      return i.ReturnValues ? { Attributes: item('a') } : {};
    });
    expect(await driver.delete(T, 'a', undefined)).toBe(true);
    expect(await driver.delete(T, 'a', 'exists')).toBe(true);
    had = false;
    expect(await driver.delete(T, 'a', 'exists')).toBe(false);
    expect(sent.map((s) => s.input)).toEqual([
      { TableName: 'shop-dev-todos', Key: { id: { S: 'a' } } },
      { TableName: 'shop-dev-todos', Key: { id: { S: 'a' } }, ConditionExpression: 'attribute_exists(#k)', ExpressionAttributeNames: { '#k': 'id' }, ReturnValues: 'ALL_OLD' },
      { TableName: 'shop-dev-todos', Key: { id: { S: 'a' } }, ConditionExpression: 'attribute_exists(#k)', ExpressionAttributeNames: { '#k': 'id' }, ReturnValues: 'ALL_OLD' },
    ]);
  });

  it('a prefix query is a filtered Scan, page after page, until limit + 1 items: the cursor is the last returned key', async () => {
    // DynamoDB's pages: a filter leaves some pages empty, a page may hold more than the client's page.
    const pages = [
      { Items: [item('u1:c')], LastEvaluatedKey: item('v:9') },
      { Items: [], LastEvaluatedKey: item('x:1') },
      { Items: [item('u1:a'), item('u1:d'), item('u1:b')], LastEvaluatedKey: item('u1:b') },
      { Items: [item('u1:e')] },
    ];
    const { driver, sent } = scripted(() => pages[sent.length - 1]);
    const page = await driver.list(T, { prefix: 'u1:', limit: 3 });
    expect(page).toEqual({ items: [{ id: 'u1:c' }, { id: 'u1:a' }, { id: 'u1:d' }], cursor: 'u1:d' });
    // It stopped once it had 4 (limit + 1): the 4th page was never read.
    expect(sent.map((s) => s.input)).toEqual([
      { TableName: 'shop-dev-todos', ConsistentRead: true, FilterExpression: 'begins_with(#k, :p)', ExpressionAttributeNames: { '#k': 'id' }, ExpressionAttributeValues: { ':p': { S: 'u1:' } } },
      { TableName: 'shop-dev-todos', ConsistentRead: true, FilterExpression: 'begins_with(#k, :p)', ExpressionAttributeNames: { '#k': 'id' }, ExpressionAttributeValues: { ':p': { S: 'u1:' } }, ExclusiveStartKey: item('v:9') },
      { TableName: 'shop-dev-todos', ConsistentRead: true, FilterExpression: 'begins_with(#k, :p)', ExpressionAttributeNames: { '#k': 'id' }, ExpressionAttributeValues: { ':p': { S: 'u1:' } }, ExclusiveStartKey: item('x:1') },
    ]);
  });

  it('the next page starts after the cursor; a page that reaches the end of the table has no cursor', async () => {
    const { driver, sent } = scripted(() => ({ Items: [item('u1:b'), item('u1:e')] }));
    expect(await driver.list(T, { prefix: 'u1:', cursor: 'u1:d', limit: 3 })).toEqual({ items: [{ id: 'u1:b' }, { id: 'u1:e' }] });
    expect(sent[0]!.input.ExclusiveStartKey).toEqual(item('u1:d'));
    // Exactly `limit` items and then the end: still no cursor (no empty page after it).
    const exact = scripted(() => ({ Items: [item('a'), item('b')] }));
    expect(await exact.driver.list(T, { prefix: '', limit: 2 })).toEqual({ items: [{ id: 'a' }, { id: 'b' }] });
  });

  it('a scan (prefix "") is an unfiltered Scan whose Limit asks only for what is missing', async () => {
    const pages = [
      { Items: [item('a'), item('b')], LastEvaluatedKey: item('b') },
      { Items: [item('c'), item('d')], LastEvaluatedKey: item('d') },
    ];
    const { driver, sent } = scripted(() => pages[sent.length - 1]);
    expect(await driver.list(T, { prefix: '', limit: 3 })).toEqual({ items: [{ id: 'a' }, { id: 'b' }, { id: 'c' }], cursor: 'c' });
    expect(sent.map((s) => s.input)).toEqual([
      { TableName: 'shop-dev-todos', ConsistentRead: true, Limit: 4 },
      { TableName: 'shop-dev-todos', ConsistentRead: true, Limit: 2, ExclusiveStartKey: item('b') },
    ]);
  });
});

describe('aws table driver: JSON items as DynamoDB attribute values', () => {
  it('numbers are N in plain decimal, exactly as JavaScript prints them; what DynamoDB cannot hold is refused', () => {
    expect(numberText(42)).toBe('42');
    expect(numberText(-0.5)).toBe('-0.5');
    expect(numberText(0.30000000000000004)).toBe('0.30000000000000004');
    expect(numberText(1e21)).toBe('1000000000000000000000');
    expect(numberText(6.02214076e23)).toBe('602214076000000000000000');
    expect(numberText(1.5e-7)).toBe('0.00000015');
    expect(numberText(-1e-7)).toBe('-0.0000001');
    expect(numberText(1.7976931348623157e125)).toMatch(/^\d{126}$/);
    for (const n of [1.5e-7, 1e21, 6.02214076e23, -1e-7, 1e-130, 9.99e125, 1.7976931348623157e125]) expect(Number(numberText(n))).toBe(n);
    expect(() => numberText(1e126)).toThrow(/DynamoDB cannot store the number 1e\+126/);
    expect(() => numberText(1e-131)).toThrow(/DynamoDB cannot store/);
    expect(() => numberText(Infinity)).toThrow(/not a JSON number/);
  });

  it('an item round-trips: S, N, BOOL, NULL, L, M, empty strings, lists and maps, prototype names as plain attributes', () => {
    const value = { id: 'k', s: '', u: 'Grüße 👩‍👩‍👧 世界', n: [0, -1, 2.5, 1e21], b: [true, false], z: null, l: [[], {}, [1, [2]]], m: { a: { b: { c: 'd' } } }, constructor: 'x', toString: { y: 1 } };
    const attrs = marshalItem(value);
    expect(attrs.s).toEqual({ S: '' });
    expect(attrs.n).toEqual({ L: [{ N: '0' }, { N: '-1' }, { N: '2.5' }, { N: '1000000000000000000000' }] });
    expect(attrs.z).toEqual({ NULL: true });
    expect(attrs.l).toEqual({ L: [{ L: [] }, { M: {} }, { L: [{ N: '1' }, { L: [{ N: '2' }] }] }] });
    const back = unmarshalItem(JSON.parse(JSON.stringify(attrs)));
    expect(back).toEqual(value);
    expect(JSON.stringify(back)).toBe(JSON.stringify(value));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('refuses what the AWS SDK would lose or JSON cannot be: an attribute named __proto__, a function', () => {
    expect(() => marshalItem(JSON.parse('{"id":"a","__proto__":{"x":1}}'))).toThrow(/cannot hold an attribute named `__proto__`/);
    expect(() => marshal(() => 1)).toThrow(/JSON values only/);
    // What the SDK hands back for such an attribute (no value) is an error, not a silently missing field.
    expect(() => unmarshalItem({ id: { S: 'a' }, lost: undefined as never })).toThrow(/'lost' of an item came back from DynamoDB without a value/);
  });

  it('reads items others wrote with sets and binaries as JSON arrays and base64 strings', () => {
    expect(unmarshal({ SS: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(unmarshal({ NS: ['1', '2.5'] })).toEqual([1, 2.5]);
    expect(unmarshal({ B: new Uint8Array([0, 255]) })).toBe('AP8=');
    expect(unmarshal({ BS: [new Uint8Array([1])] })).toEqual(['AQ==']);
  });
});
