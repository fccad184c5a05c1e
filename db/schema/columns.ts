import { customType, pgEnum, timestamp } from 'drizzle-orm/pg-core';

// Column helpers and enums shared by the schema's areas; kept apart so the area files import this one
// and never each other in a circle.

export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

export const projectVisibility = pgEnum('project_visibility', ['private', 'link', 'public']);

export const projectRole = pgEnum('project_role', ['owner', 'editor', 'viewer']);
export type ProjectRole = (typeof projectRole.enumValues)[number];

export const checkpointKind = pgEnum('checkpoint_kind', ['turn_start', 'turn_end', 'manual', 'restore']);

export const messageRole = pgEnum('message_role', ['system', 'user', 'assistant', 'tool']);

export const testRunner = pgEnum('test_runner', ['student', 'agent']);
