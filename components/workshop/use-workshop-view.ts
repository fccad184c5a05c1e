'use client';

import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC } from '@/lib/trpc/client';

/** The workshop of a project (null unless it is a student's fork), live: announcements, the end, agent on/off. */
export function useWorkshopView(projectId: string) {
  const trpc = useTRPC();
  return useSubscription(trpc.workshop.forProjectLive.subscriptionOptions({ projectId })).data ?? null;
}
export type WorkshopView = NonNullable<ReturnType<typeof useWorkshopView>>;
