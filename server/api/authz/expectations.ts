// The authorization matrix's one expectation table (server/api/authz/matrix.test.ts): for every tRPC
// procedure, who gets past the access policy. A procedure missing here fails the test, so a new one
// cannot ship without someone deciding who may call it.

export const IDENTITIES = ['owner', 'editor', 'viewer', 'share', 'stranger', 'anonymous'] as const;
export type Identity = (typeof IDENTITIES)[number];
export type Verdict = 'allow' | 'deny';

/** Ids of the fixture each call runs against (a fresh project per cell). */
export interface Fixture {
  projectId: string;
  chatId: string;
  editorId: string;
  inviteId: string;
  inviteToken: string;
  slug: string;
  workshopId: string;
  joinCode: string;
}

export interface Expectation {
  input?: (fx: Fixture) => unknown;
  allow: readonly Identity[];
}

const everyone = IDENTITIES;
const signedIn = ['owner', 'editor', 'viewer', 'share', 'stranger'] as const;
const viewers = ['owner', 'editor', 'viewer', 'share'] as const;
/** Members who may view; share-link holders do not read the agent's chats. */
const members = ['owner', 'editor', 'viewer'] as const;
const editors = ['owner', 'editor'] as const;
const owner = ['owner'] as const;

const p = (fx: Fixture) => ({ projectId: fx.projectId });
const chat = (fx: Fixture) => ({ projectId: fx.projectId, chatId: fx.chatId });
const NO_SUCH = '00000000-0000-4000-8000-000000000000';

export const expectations: Record<string, Expectation> = {
  health: { allow: everyone },
  'auth.me': { allow: signedIn },
  'auth.createAccessLink': { allow: signedIn },
  'auth.accessLinks': { allow: signedIn },
  'auth.revokeAccessLink': { input: () => ({ id: NO_SUCH }), allow: signedIn },
  'auth.signOutOtherSessions': { allow: signedIn },

  'project.templates': { allow: everyone },
  'project.list': { allow: signedIn },
  'project.byId': { input: p, allow: viewers },
  'project.fork': { input: p, allow: viewers },
  'project.create': { input: () => ({ title: 'matrix' }), allow: signedIn },
  'project.rename': { input: (fx) => ({ ...p(fx), title: 'renamed' }), allow: editors },
  'project.remove': { input: p, allow: owner },

  'files.tree': { input: p, allow: viewers },
  'files.read': { input: (fx) => ({ ...p(fx), path: 'a.txt' }), allow: viewers },
  'files.write': { input: (fx) => ({ ...p(fx), path: 'a.txt', content: 'x', encoding: 'utf8', expectedVersion: 1 }), allow: editors },
  'files.create': { input: (fx) => ({ ...p(fx), path: 'b.txt', content: 'b', encoding: 'utf8' }), allow: editors },
  'files.rename': { input: (fx) => ({ ...p(fx), from: 'a.txt', to: 'c.txt' }), allow: editors },
  'files.remove': { input: (fx) => ({ ...p(fx), path: 'a.txt' }), allow: editors },
  'files.search': { input: (fx) => ({ ...p(fx), query: 'a' }), allow: viewers },

  'chat.models': { allow: signedIn },
  // An unknown chat: past the guard the turn stops at not_found:chat, so no model is called.
  'chat.send': { input: (fx) => ({ ...p(fx), chatId: NO_SUCH, input: { kind: 'user', text: 'hi' } }), allow: editors },
  'chat.list': { input: p, allow: members },
  'chat.create': { input: p, allow: editors },
  'chat.rename': { input: (fx) => ({ ...chat(fx), title: 'renamed' }), allow: editors },
  'chat.delete': { input: chat, allow: editors },
  'chat.messages': { input: chat, allow: members },
  'chat.plan': { input: chat, allow: members },
  'chat.setPlan': { input: (fx) => ({ ...chat(fx), items: [] }), allow: editors },
  'chat.truncateFrom': { input: (fx) => ({ ...chat(fx), messageId: NO_SUCH }), allow: editors },
  'chat.usage': { input: chat, allow: members },
  // An unknown model: past the guard, "Compact now" stops at not_found:model, so no model is called.
  'chat.compact': { input: (fx) => ({ ...chat(fx), model: 'no-such-model' }), allow: editors },

  // The agent's memory of a chat (summary, decisions) is part of the conversation: not for share-link holders.
  'memory.get': { input: chat, allow: members },
  'memory.setNotes': { input: (fx) => ({ ...p(fx), text: '# notes', expectedVersion: null }), allow: editors },

  // Checkpoint messages quote the agent prompts, so history is for members only.
  'history.list': { input: p, allow: members },
  'history.diff': { input: (fx) => ({ ...p(fx), from: NO_SUCH, to: 'current' }), allow: members },
  'history.fileDiff': { input: (fx) => ({ ...p(fx), from: NO_SUCH, to: 'current', path: 'a.txt' }), allow: members },
  'history.create': { input: p, allow: editors },
  'history.restore': { input: (fx) => ({ ...p(fx), checkpointId: NO_SUCH }), allow: editors },
  'history.undoLastTurn': { input: p, allow: editors },

  // Export gives what the viewer (and a share-link holder, who may fork anyway) can already read.
  'archive.export': { input: p, allow: viewers },
  // A new project of the caller's own; an empty body stops at validation past the guard.
  'archive.import': { input: () => ({ title: 'matrix', zip: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' }), allow: signedIn },

  'sandbox.previewTicket': { input: (fx) => ({ ...p(fx), port: 5173 }), allow: viewers },
  'sandbox.config': { input: p, allow: viewers },
  'sandbox.updateSettings': { input: (fx) => ({ ...p(fx), network: 'off' }), allow: owner },
  'sandbox.snapshot': { input: p, allow: viewers },
  'sandbox.applyChanges': { input: (fx) => ({ ...p(fx), put: [{ path: 'd.txt', content: 'd', encoding: 'utf8' }], remove: [] }), allow: editors },

  'share.get': { input: p, allow: owner },
  'share.rotate': { input: p, allow: owner },
  'share.revoke': { input: p, allow: owner },
  // The slug is the secret: anyone signed in who holds it may open it.
  'share.open': { input: (fx) => ({ slug: fx.slug }), allow: signedIn },

  'members.list': { input: p, allow: owner },
  'members.invite': { input: (fx) => ({ ...p(fx), role: 'editor' }), allow: owner },
  'members.revokeInvite': { input: (fx) => ({ ...p(fx), inviteId: fx.inviteId }), allow: owner },
  'members.setRole': { input: (fx) => ({ ...p(fx), userId: fx.editorId, role: 'viewer' }), allow: owner },
  'members.remove': { input: (fx) => ({ ...p(fx), userId: fx.editorId }), allow: owner },
  // The token is the secret, as for share links.
  'members.inviteInfo': { input: (fx) => ({ token: fx.inviteToken }), allow: signedIn },
  'members.accept': { input: (fx) => ({ token: fx.inviteToken }), allow: signedIn },
  'members.sharedWithMe': { allow: signedIn },

  // The design loop: the design and its rounds are seen by viewers; starting and scoring are edits
  // (no image here: past the guard the call stops at validation).
  'design.start': { input: p, allow: editors },
  'design.state': { input: p, allow: viewers },
  'design.score': { input: p, allow: editors },
  'design.capture': { input: (fx) => ({ ...p(fx), port: 1, viewport: { width: 1280, height: 800 } }), allow: editors },

  // Only the starter's owner starts a workshop from it.
  'workshop.create': { input: (fx) => ({ ...p(fx), title: 'class' }), allow: owner },
  // The join code is the secret, as for share links.
  'workshop.preview': { input: (fx) => ({ code: fx.joinCode }), allow: signedIn },
  // The teacher (the owner here) cannot join their own workshop; past the guard that is a business refusal.
  'workshop.join': { input: (fx) => ({ code: fx.joinCode, displayName: 'Ada' }), allow: signedIn },
  // The teacher's doors: the owner of the fixture is its teacher.
  'workshop.dashboard': { input: (fx) => ({ workshopId: fx.workshopId }), allow: owner },
  'workshop.dashboardLive': { input: (fx) => ({ workshopId: fx.workshopId }), allow: owner },
  'workshop.announce': { input: (fx) => ({ workshopId: fx.workshopId, text: 'hello' }), allow: owner },
  'workshop.pushStarter': { input: (fx) => ({ workshopId: fx.workshopId }), allow: owner },
  'workshop.end': { input: (fx) => ({ workshopId: fx.workshopId }), allow: owner },
  'workshop.exportCsv': { input: (fx) => ({ workshopId: fx.workshopId }), allow: owner },
  'workshop.ofProject': { input: p, allow: owner },
  // Whether this project is a student's fork (announcements, the end): anyone who may view it.
  'workshop.forProject': { input: p, allow: viewers },
  'workshop.forProjectLive': { input: p, allow: viewers },
};

/**
 * The doors that are not tRPC, for the same identities (server/sandbox-host/authz-endpoints.test.ts).
 * `project`: served the project's own sandbox; `own`: served a sandbox of the caller's own; `deny`: refused.
 */
export type EndpointVerdict = 'project' | 'own' | 'allow' | 'deny';
export const endpointExpectations: Record<string, Record<Identity, EndpointVerdict>> = {
  'sandbox socket: connect': { owner: 'project', editor: 'project', viewer: 'project', share: 'own', stranger: 'deny', anonymous: 'deny' },
  'sandbox socket: write a file': { owner: 'allow', editor: 'allow', viewer: 'deny', share: 'allow', stranger: 'deny', anonymous: 'deny' },
  // The caller's ticket from tRPC (or, without one, a forged ticket made out to them) at the project's preview origin.
  "preview proxy: enter the project's preview": { owner: 'allow', editor: 'allow', viewer: 'allow', share: 'deny', stranger: 'deny', anonymous: 'deny' },
  // A share holder's own sandbox preview, for each identity's ticket (forged where tRPC gives none).
  "preview proxy: enter the share holder's preview": { owner: 'deny', editor: 'deny', viewer: 'deny', share: 'allow', stranger: 'deny', anonymous: 'deny' },
};
