import { parseRange, syntheticMp4, syntheticMp4Bytes } from './result-file';
import { startSandbox, type SandboxHandle } from './sandbox-server';

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('result file ranges', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=990-', { start: 990, end: 999 }],
    ['bytes=-10', { start: 990, end: 999 }],
    ['bytes=900-5000', { start: 900, end: 999 }],
    ['bytes=1000-', 'unsatisfiable'],
    ['bytes=50-10', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
    [undefined, null],
  ])('%p of 1000 bytes → %p', (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });
});

describe('the synthetic MP4', () => {
  it('is an ftyp box then one mdat box filling exactly the size', () => {
    const size = 5000;
    const head = syntheticMp4Bytes(size, 0, 31);
    expect(head.toString('latin1', 4, 8)).toBe('ftyp');
    expect(head.readUInt32BE(24)).toBe(size - 24);
    expect(head.toString('latin1', 28, 32)).toBe('mdat');
  });

  it('reads the same bytes whole or by ranges, and the same every time', async () => {
    const file = syntheticMp4(300_000);
    const whole = await readAll(file.read(0, file.size - 1));
    expect(whole.length).toBe(300_000);
    expect(await readAll(file.read(70_000, 70_099))).toEqual(whole.subarray(70_000, 70_100));
    expect(syntheticMp4Bytes(300_000, 0, 299_999).equals(whole)).toBe(true);
  });
});

describe('result files over HTTP with Range', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, resultVideoBytes: 200_000 });
  });
  afterAll(async () => sandbox.close());

  it('serves 206 with Content-Range for one range, 416 past the end, and the whole file without Range', async () => {
    const created = await fetch(`${sandbox.dataPlaneUrl}/contents/generations/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sandbox.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }] }),
    });
    const { id } = (await created.json()) as { id: string };
    sandbox.control.forceOutcome(id, 'succeeded');
    const url = sandbox.control.taskView(id)!.content as { video_url: string };

    const part = await fetch(url.video_url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/200000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(syntheticMp4Bytes(200_000, 100, 199));

    const past = await fetch(url.video_url, { headers: { range: 'bytes=200000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */200000');

    const whole = await fetch(url.video_url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(syntheticMp4Bytes(200_000, 0, 199_999))).toBe(true);
  });
});
