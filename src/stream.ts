/**
 * The one stream this connector has, as both protocols name it: its name, its primary key and its replication key.
 * Its schema is src/schema/bookings.schema.json (catalog/bookings-schema.ts); its partitions are the booking types.
 */
export const STREAM_NAME = 'bookings';
export const PRIMARY_KEY = 'uuid';
export const REPLICATION_KEY = 'lastModified';
