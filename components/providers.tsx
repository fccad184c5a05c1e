'use client';

import type { ReactNode } from 'react';
import { z } from 'zod';
import { TRPCProvider } from '@/lib/trpc/client';

// The page's CSP forbids eval (proxy.ts): zod is told not to probe for it (a probe is a reported violation).
z.config({ jitless: true });

export function Providers({ children }: { children: ReactNode }) {
  return <TRPCProvider>{children}</TRPCProvider>;
}
