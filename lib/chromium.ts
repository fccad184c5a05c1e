// Debian's Chromium and the flags every headless run here uses (e2e, benchmarks, the fidelity renderer):
// no sandbox of its own (tests run as root), no GPU, and nothing that reaches the network by itself.
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
