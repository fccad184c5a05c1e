import { getDb } from '@/db';
import { switchToAccessLink } from '@/server/auth/access-link';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, { params }: { params: Promise<{ token: string }> }) {
  return switchToAccessLink(await getDb(), req, (await params).token);
}
