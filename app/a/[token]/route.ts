import { handleAccessLink } from '@/server/auth/access-link';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ token: string }> }) {
  return handleAccessLink(req, (await params).token);
}
