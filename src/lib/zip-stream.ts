// A zip archive written as a stream (fflate): files are compressed one after another as their
// content arrives, so an archive of any size holds one file's pieces in memory at a time, and a
// slow client slows the producer down (it waits for the stream to drain).
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { Zip, ZipDeflate } from 'fflate';

/** One file of the archive: its path inside, and its text (all at once or piece by piece). */
export interface ZipEntry {
  path: string;
  content: string | AsyncIterable<string>;
}

const encoder = new TextEncoder();

async function* pieces(content: ZipEntry['content']): AsyncIterable<string> {
  if (typeof content === 'string') yield content;
  else yield* content;
}

/** Streams `entries` as one zip archive; a failing entry destroys the stream with its error. */
export function zipStream(entries: AsyncIterable<ZipEntry>): Readable {
  const output = new PassThrough();
  const zip = new Zip((error, chunk, final) => {
    if (error) return void output.destroy(error);
    output.write(chunk);
    if (final) output.end();
  });
  const drained = () =>
    output.writableNeedDrain
      ? Promise.race([once(output, 'drain'), once(output, 'close')])
      : Promise.resolve();
  void (async () => {
    for await (const entry of entries) {
      const file = new ZipDeflate(entry.path, { level: 6 });
      zip.add(file);
      for await (const piece of pieces(entry.content)) {
        if (output.destroyed) return; // the client went away
        file.push(encoder.encode(piece));
        await drained();
      }
      file.push(new Uint8Array(0), true);
    }
    zip.end();
  })().catch((error: unknown) => {
    zip.terminate();
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return output;
}
