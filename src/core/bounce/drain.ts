// Backpressure for writers: wait until a stream that said "enough" can take more, or never will.

/** Resolves when the stream has drained, or has closed or failed (check `writable` or `destroyed` after). */
export function drainedOrClosed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      for (const event of ['drain', 'close', 'error']) stream.off(event, settle);
      resolve();
    };
    for (const event of ['drain', 'close', 'error']) stream.on(event, settle);
  });
}
