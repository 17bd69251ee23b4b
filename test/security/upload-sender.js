// Child process of event-loop-stall.e2e-spec.ts: builds /v1/videos creates uploading an 8 MB and a 29 MB first-frame
// image as multipart/form-data (as the openai SDK sends them), waits for "go", sends each twice, one after the other,
// and reports each answer's status. Plain JavaScript: forked as is.
'use strict';

const [url, token] = process.argv.slice(2);
const MB = 1024 * 1024;

/** A PNG-typed file of `mb` megabytes (deterministic bytes). */
function file(mb) {
  const bytes = Buffer.alloc(mb * MB);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  return new Blob([bytes], { type: 'image/png' });
}
const uploads = [
  ['8 MB image upload, valid', file(8)],
  ['29 MB image upload, valid', file(29)],
];

async function send(name, blob) {
  const form = new FormData();
  form.append('prompt', 'A paper boat on calm water.');
  form.append('model', 'dreamina-seedance-2-0-fast');
  form.append('input_reference', blob, 'first.png');
  const started = Date.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    const text = await res.text();
    return { name, status: res.status, ms: Date.now() - started, ...(res.status === 200 ? {} : { body: text.slice(0, 300) }) };
  } catch (e) {
    return { name, status: -1, error: e.message, ms: Date.now() - started };
  }
}

process.send('ready');
process.once('message', async () => {
  const out = [];
  for (const [name, blob] of uploads) for (let round = 0; round < 2; round++) out.push(await send(name, blob));
  process.send(out);
});
