// The running checks on a file being downloaded: its sha256, its length and its GGUF magic.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

const ggufMagic = Buffer.from('GGUF', 'latin1');

/** Hashes, counts and sniffs the first bytes of a file, fed in order. */
export class FileDigest {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private head = Buffer.alloc(0);
  private hex?: string;

  /** Account for the next bytes of the file. */
  update(chunk: Uint8Array): void {
    if (this.head.length < ggufMagic.length) {
      const needed = ggufMagic.length - this.head.length;
      this.head = Buffer.concat([this.head, chunk.subarray(0, needed)]);
    }
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  /** True once the first 4 bytes were seen and are 'GGUF'. */
  isGguf(): boolean {
    return this.head.equals(ggufMagic);
  }

  /** True when enough bytes were seen to tell whether the file is GGUF. */
  knowsMagic(): boolean {
    return this.head.length === ggufMagic.length;
  }

  /** The lowercase hex sha256 of everything fed so far; ends the digest. */
  sha256(): string {
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }
}

/** Feed an existing file through a new digest; undefined when the file does not exist. */
export async function digestFile(
  path: string,
  onBytes?: (bytes: number) => void,
): Promise<FileDigest | undefined> {
  const digest = new FileDigest();
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      digest.update(chunk as Buffer);
      onBytes?.(digest.bytes);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return digest;
}
