// Child process of event-loop-stall.e2e-spec.ts: builds valid task creates carrying an 8 MB and a 60 MB base64
// image (media policy `any`), waits for "go", sends each twice (the second time with an Idempotency-Key, whose body
// hash covers the whole body), one after the other, and reports each answer's status. Plain JavaScript: forked as is.
const { request } = require('node:http');

const [url, token] = process.argv.slice(2);
const MB = 1024 * 1024;

/** A create whose whole body is `mb` megabytes, nearly all of it the first frame as a base64 data URI. */
function body(mb) {
  const image = Buffer.alloc(Math.floor((mb * MB * 3) / 4) - 300);
  for (let i = 0; i < image.length; i++) image[i] = (i * 2654435761) >>> 24;
  return Buffer.from(
    JSON.stringify({
      model: 'dreamina-seedance-2-0-fast',
      content: [
        { type: 'text', text: 'A paper boat on calm water.' },
        { type: 'image_url', role: 'first_frame', image_url: { url: `data:image/png;base64,${image.toString('base64')}` } },
      ],
      resolution: '480p',
      ratio: '16:9',
      duration: 4,
    }),
  );
}
const bodies = [
  ['8 MB base64 image, valid', body(8)],
  ['60 MB base64 image, valid', body(60)],
];

function send(name, b, idempotencyKey) {
  const started = Date.now();
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', 'content-length': String(b.length), authorization: `Bearer ${token}` };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        resolve({
          name,
          status: res.statusCode,
          ms: Date.now() - started,
          mb: +(b.length / MB).toFixed(1),
          ...(res.statusCode === 200 ? {} : { body: text.slice(0, 300) }),
        }),
      );
    });
    req.on('error', (e) => resolve({ name, status: -1, error: e.message, ms: Date.now() - started }));
    req.end(b);
  });
}

process.send('ready');
process.once('message', async () => {
  const out = [];
  for (const [name, b] of bodies)
    for (let round = 0; round < 2; round++) out.push(await send(name, b, round === 1 ? `stall-${b.length}-${Date.now()}` : undefined));
  process.send(out);
});
