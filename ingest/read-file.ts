import { constants, promises as fs } from 'node:fs';

/**
 * Reads one file the scanner admitted, refusing what is not a plain stored file by the time it is opened: a FIFO
 * swapped in after the scan (opened non-blocking, so it cannot hang the worker), a device, or a file that streams
 * more than it reports (kernel files say size 0 and then produce data). At most `maxBytes` are ever read.
 * Failures carry a short `code` the indexing report shows.
 */
export async function readIndexableFile(filePath: string, maxBytes: number): Promise<Buffer> {
  const handle = await fs.open(filePath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw refusal('not a regular file');
    if (stat.size > maxBytes) throw refusal(`too large (${stat.size} bytes > ${maxBytes})`);
    // One byte more than reported: a file that has it is streaming, not stored, and is refused.
    const buffer = Buffer.alloc(stat.size + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > stat.size) throw refusal('grew while being read (a streaming file)');
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function refusal(reason: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`refused to read: ${reason}`);
  error.code = reason;
  return error;
}
