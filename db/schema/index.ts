// The database schema, one file per area; drizzle-kit (db/drizzle.config.ts) and db/client.ts read it from here.
export * from './columns';
export * from './auth';
export * from './projects';
export * from './agent';
export * from './sharing';
export * from './workshops';
export * from './design';
