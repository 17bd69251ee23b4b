import { ArkOpenApiClient } from '@arkgate/byteplus';
import { startSandbox, type SandboxHandle } from './sandbox-server';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Top-level MP4 boxes as [type, size]. */
function mp4Boxes(file: Buffer): Array<[string, number]> {
  const boxes: Array<[string, number]> = [];
  for (let offset = 0; offset + 8 <= file.length;) {
    const size = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    if (size < 8) break;
    boxes.push([type, size]);
    offset += size;
  }
  return boxes;
}

describe('result files', () => {
  let sandbox: SandboxHandle;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(() => sandbox.control.reset());

  async function succeededTask(extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const created = await fetch(`${sandbox.dataPlaneUrl}/contents/generations/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sandbox.apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }], ...extra }),
    });
    const { id } = (await created.json()) as { id: string };
    sandbox.control.forceOutcome(id, 'succeeded');
    return sandbox.control.taskView(id)!;
  }

  it('serves a real MP4 at video_url', async () => {
    const task = await succeededTask();
    const response = await fetch(task.content.video_url);
    const file = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(Number(response.headers.get('content-length'))).toBe(file.length);
    const boxes = mp4Boxes(file);
    expect(boxes[0][0]).toBe('ftyp');
    expect(boxes.map(([type]) => type)).toEqual(expect.arrayContaining(['moov', 'mdat']));
    expect(boxes.reduce((sum, [, size]) => sum + size, 0)).toBe(file.length);
    expect(file.length).toBeLessThan(20_000);
  });

  it('serves a real PNG at last_frame_url when return_last_frame was true', async () => {
    const task = await succeededTask({ return_last_frame: true });
    const response = await fetch(task.content.last_frame_url);
    const file = Buffer.from(await response.arrayBuffer());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(file.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(file.toString('latin1', 12, 16)).toBe('IHDR');
    expect(file.toString('latin1', file.length - 8, file.length - 4)).toBe('IEND');
  });

  it('gives no last frame unless it was asked for', async () => {
    const task = await succeededTask();
    expect(task.content).not.toHaveProperty('last_frame_url');
    expect((await fetch(`${sandbox.url}/files/${task.id}.png`)).status).toBe(404);
  });

  it('answers HEAD with the headers only', async () => {
    const task = await succeededTask();
    const response = await fetch(task.content.video_url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(1000);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('answers 404 for unknown ids and unfinished tasks', async () => {
    expect((await fetch(`${sandbox.url}/files/cgt-20260101000000-zzzzz.mp4`)).status).toBe(404);
    const created = await fetch(`${sandbox.dataPlaneUrl}/contents/generations/tasks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sandbox.apiKey}` },
      body: JSON.stringify({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }] }),
    });
    const { id } = (await created.json()) as { id: string };
    const response = await fetch(`${sandbox.url}/files/${id}.mp4`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ResourceNotFound');
  });

  it('needs no API key and is not recorded as an upstream request', async () => {
    const task = await succeededTask();
    sandbox.control.clearRequests();
    expect((await fetch(task.content.video_url)).status).toBe(200);
    expect(sandbox.control.requests()).toEqual([]);
  });

  it('uses publicUrl for result URLs when given', async () => {
    const behindProxy = await startSandbox({ port: 0, publicUrl: 'https://files.example.test/ark/' });
    try {
      const created = await fetch(`${behindProxy.dataPlaneUrl}/contents/generations/tasks`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${behindProxy.apiKey}` },
        body: JSON.stringify({ model: 'dreamina-seedance-2-0-260128', content: [{ type: 'text', text: 'x' }] }),
      });
      const { id } = (await created.json()) as { id: string };
      behindProxy.control.forceOutcome(id, 'succeeded');
      expect(behindProxy.control.taskView(id)?.content).toEqual({ video_url: `https://files.example.test/ark/files/${id}.mp4` });
    } finally {
      await behindProxy.close();
    }
  });

  describe('asset files', () => {
    let client: ArkOpenApiClient;
    let groupId: string;

    beforeEach(async () => {
      client = new ArkOpenApiClient({
        baseUrl: sandbox.openApiUrl,
        accessKeyId: sandbox.accessKeyId,
        secretAccessKey: sandbox.secretAccessKey,
        region: 'ap-southeast-1',
        timeoutMs: 2000,
      });
      groupId = (await client.createAssetGroup({ Name: 'files' })).Result.Id;
    });

    const activeAsset = async (AssetType: 'Image' | 'Video' | 'Audio') => {
      const { Id } = (await client.createAsset({ GroupId: groupId, URL: 'https://example.com/source', AssetType })).Result;
      sandbox.control.forceAssetOutcome(Id, 'Active');
      return sandbox.control.assetView(Id)!;
    };

    it('serves the PNG for an Active image asset at its URL, query ignored', async () => {
      const asset = await activeAsset('Image');
      expect(asset.URL).toBe(`${sandbox.url}/assets/${asset.Id}?X-Tos-Expires=43200`);
      const response = await fetch(asset.URL);
      const file = Buffer.from(await response.arrayBuffer());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(file.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    });

    it('serves the MP4 for a video asset', async () => {
      const asset = await activeAsset('Video');
      const response = await fetch(asset.URL);
      const file = Buffer.from(await response.arrayBuffer());
      expect(response.headers.get('content-type')).toBe('video/mp4');
      expect(mp4Boxes(file)[0][0]).toBe('ftyp');
    });

    it('serves MPEG audio frames for an audio asset, and HEAD without a body', async () => {
      const asset = await activeAsset('Audio');
      const response = await fetch(asset.URL);
      const file = Buffer.from(await response.arrayBuffer());
      expect(response.headers.get('content-type')).toBe('audio/mpeg');
      expect([file[0], file[1] & 0xe0]).toEqual([0xff, 0xe0]);
      expect(file.length % 417).toBe(0);
      const head = await fetch(asset.URL, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBe(file.length);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    });

    it('answers 404 for assets not Active (processing or failed) and unknown ones', async () => {
      const { Id } = (await client.createAsset({ GroupId: groupId, URL: 'https://example.com/a.png', AssetType: 'Image' })).Result;
      expect((await fetch(`${sandbox.url}/assets/${Id}`)).status).toBe(404);
      sandbox.control.forceAssetOutcome(Id, 'Failed');
      expect((await fetch(`${sandbox.url}/assets/${Id}`)).status).toBe(404);
      expect((await fetch(`${sandbox.url}/assets/asset-20260101000000-zzzzz`)).status).toBe(404);
    });
  });
});
