'use client';

import type { ReactNode } from 'react';
import { config } from 'zod/v4/core';
import { TRPCProvider } from '@/lib/trpc/client';

// The page's CSP forbids eval (proxy.ts): zod is told not to probe for it (a probe is a reported violation).
// Only the config setter is imported (zod's core, shared by every zod import): zod itself loads with the code that uses it.
config({ jitless: true });

export function Providers({ children }: { children: ReactNode }) {
  return <TRPCProvider>{children}</TRPCProvider>;
}
