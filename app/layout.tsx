import type { Metadata } from 'next';
import { GeistMono } from 'geist/font/mono';
import { GeistSans } from 'geist/font/sans';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { Providers } from '@/components/providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Cloud IDE',
  description: 'Open a project in the browser and build it with a coding agent.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: each page carries its own CSP nonce (proxy.ts), which a prebuilt page cannot.
  await connection();
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
