// Ids fulfillment mints are UUIDs: anything else cannot name a row, so it is "not found" before a
// query is sent (Postgres would refuse the cast).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string) => UUID.test(s);
