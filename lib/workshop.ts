import { z } from 'zod';
import { approvalPolicySchema, networkPolicySchema } from '@/lib/project-settings';

// Workshops (issue 16), shared by the server (server/workshop, the workshop router) and the browser
// (components/workshop): what a teacher may set, what a student may type.

/** Join codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L). */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

/** A code as typed: case and spaces forgiven, anything else outside the alphabet refused. */
export const joinCodeSchema = z
  .string()
  .max(32)
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
  .pipe(z.string().length(JOIN_CODE_LENGTH, 'A join code has 6 characters.').regex(/^[A-HJKMNP-Z2-9]+$/, 'That is not a join code.'));

/** Control and bidirectional characters: invisible, or they disguise a name on the teacher's screen. */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(40, 'Names are at most 40 characters.')
  .refine((s) => !HIDDEN.test(s), 'Names may not contain control or invisible characters.');

export const workshopSettingsSchema = z.object({
  agent: z.boolean().default(true),
  dailyTokens: z.number().int().min(1000).max(10_000_000).default(200_000),
  approval: approvalPolicySchema.default('ask'),
  network: networkPolicySchema.default('allowlist'),
});
export type WorkshopSettingsInput = z.input<typeof workshopSettingsSchema>;

export const createWorkshopInput = z.object({
  projectId: z.uuid(),
  title: z.string().trim().min(1, 'A title is required.').max(100, 'Titles are at most 100 characters.'),
  settings: workshopSettingsSchema.default(workshopSettingsSchema.parse({})),
  /** When the workshop ends by itself; unset → when the teacher ends it. */
  endsAt: z.coerce.date().refine((d) => d.getTime() > Date.now(), 'The end time must be in the future.').optional(),
});

export const announcementSchema = z.string().trim().min(1, 'Write something to announce.').max(500, 'Announcements are at most 500 characters.');

/** Who ran a test run the dashboard shows. */
export type TestRunner = 'student' | 'agent';
