import { z } from 'zod';

// Per-project settings, shared by the server (stored in project.settings) and the browser (the
// workbench's settings menu). Absent keys take the defaults below.

export const networkPolicySchema = z.enum(['off', 'allowlist', 'full']);
export const approvalPolicySchema = z.enum(['auto', 'ask', 'read-only']);
export const sandboxChoiceSchema = z.enum(['auto', 'webcontainer', 'host']);

export const projectSettingsSchema = z
  .object({
    /** The sandbox's network: off, allowlist (default: the npm registry) or full. */
    network: networkPolicySchema.optional(),
    /** What the agent may do without a click. */
    approval: approvalPolicySchema.optional(),
    /** auto: WebContainer when it boots, else the host sandbox. */
    sandbox: sandboxChoiceSchema.optional(),
  });

export type ProjectSettingsInput = z.infer<typeof projectSettingsSchema>;

export const DEFAULT_SETTINGS = { network: 'allowlist', approval: 'ask', sandbox: 'auto' } as const satisfies Required<ProjectSettingsInput>;

export type ResolvedSettings = {
  network: z.infer<typeof networkPolicySchema>;
  approval: z.infer<typeof approvalPolicySchema>;
  sandbox: z.infer<typeof sandboxChoiceSchema>;
};

export function resolveSettings(stored: ProjectSettingsInput | null | undefined): ResolvedSettings {
  return { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(stored ?? {}).filter(([, v]) => v !== undefined)) };
}

const NETWORK_ORDER = ['off', 'allowlist', 'full'] as const;

/**
 * The policy a command runs with: what it asked for, but never more open than the project allows
 * (the project's setting is also the default). The agent's commands go through this too.
 */
export function effectiveNetwork(requested: ResolvedSettings['network'] | undefined, project: ResolvedSettings['network']): ResolvedSettings['network'] {
  if (!requested) return project;
  return NETWORK_ORDER.indexOf(requested) <= NETWORK_ORDER.indexOf(project) ? requested : project;
}
