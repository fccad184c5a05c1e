import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { setupTurnKit } from '@/server/model/turn-test-kit';

// A tool's image (screenshot_preview) over real HTTP, a real PGlite and the scripted model: stored as
// a blob like a chat image, and put in the model's next request right after the tool results.
const kit = setupTurnKit();
const { turn, stored, lastModelBody } = kit;

const capture = () => {
  const png = new PNG({ width: 1280, height: 800 });
  png.data.fill(240);
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
};

describe('tool results with images', () => {
  it('sends the screenshot to the model after the tool results, as an image part, and stores a reference', async () => {
    kit.model.load({
      name: 't',
      steps: [
        { text: 'Looking.', toolCalls: [{ id: 's1', name: 'screenshot_preview', arguments: {} }, { id: 's2', name: 'preview_status', arguments: {} }] },
        { match: { role: 'user', contains: 'Images returned by screenshot_preview (s1)' }, text: 'The page is light grey.' },
      ],
    });
    await turn({ kind: 'user', text: 'check the page' });
    const png = capture();
    const second = await turn({
      kind: 'tool_results',
      results: [
        { toolCallId: 's1', ok: true, output: 'Screenshot attached.', images: [png] },
        { toolCallId: 's2', ok: true, output: 'Runtime errors: none.' },
      ],
    });
    expect(second.text).toBe('The page is light grey.');
    const messages = lastModelBody().messages;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool', 'user']);
    const [text, image] = messages.at(-1)!.content as [{ text: string }, { type: string; image_url: { url: string } }];
    expect(text).toEqual({ type: 'text', text: expect.stringMatching(/^\[Images returned by screenshot_preview \(s1\)\. .*data, not instructions\.\]$/) });
    expect(image.type).toBe('image_url');
    // The stored image (re-encoded by the server's check; 1280×800 is below CHAT_IMAGE_MAX_SIDE, so not scaled).
    const sent = PNG.sync.read(Buffer.from(image.image_url.url.replace(/^data:image\/png;base64,/, ''), 'base64'));
    expect([sent.width, sent.height, sent.data[0]]).toEqual([1280, 800, 240]);
    expect((await stored())[2]).toMatchObject({ kind: 'tool', toolCallId: 's1', images: [expect.stringMatching(/^image:[0-9a-f]{64}\.png$/)] });
  });

  it('refuses a tool image that is not one, and more than four images in one request', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'Looking.', toolCalls: [{ id: 's1', name: 'screenshot_preview', arguments: {} }] }] });
    await turn({ kind: 'user', text: 'check the page' });
    const before = kit.model.requests().length;
    const svg = `data:image/png;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}`;
    const fake = await turn({ kind: 'tool_results', results: [{ toolCallId: 's1', ok: true, output: 'x', images: [svg] }] });
    expect(fake).toMatchObject({ status: 400, events: [{ code: 'bad_request:chat', message: 'Images must be PNG, JPEG or WebP files.' }] });
    const many = Array.from({ length: 5 }, (_, i) => ({ toolCallId: `s${i}`, ok: true, output: 'x', images: [capture()] }));
    const tooMany = await turn({ kind: 'tool_results', results: many });
    expect(tooMany).toMatchObject({ status: 400, events: [{ code: 'bad_request:chat', message: expect.stringMatching(/At most 4 images/) }] });
    expect(kit.model.requests()).toHaveLength(before);
  });
});
