export interface PlannedChunk {
  /** index of the chunk's first message in the batch */
  start: number;
  /** index after its last message */
  end: number;
  /**
   * The chunk repeats one recorded before, message for message (a worker may have crashed
   * writing it): it is retried with the same token, and ids its own messages recorded are not
   * duplicates.
   */
  retry: boolean;
}

/**
 * Cuts a batch's messages (by offset, ascending) into chunks of at most `size` messages, except
 * where a chunk was recorded before: that one ends where it ended then, so a write cut short
 * by a crash is retried with the same messages and the same deduplication token. A batch that
 * ends before a recorded chunk does cannot repeat it (it cannot wait for messages it was not
 * given): that chunk is cut at the batch's end and is not a retry.
 */
export function planChunks(
  offsets: readonly string[],
  size: number,
  recorded: ReadonlyMap<string, string>,
): PlannedChunk[] {
  const chunks: PlannedChunk[] = [];
  let start = 0;
  while (start < offsets.length) {
    const recordedLast = recorded.get(offsets[start]);
    if (recordedLast === undefined) {
      const end = Math.min(start + size, offsets.length);
      chunks.push({ start, end, retry: false });
      start = end;
      continue;
    }
    const last = BigInt(recordedLast);
    let end = start + 1;
    while (end < offsets.length && BigInt(offsets[end]) <= last) end++;
    // whole if a later message shows the batch went past the recorded end, or ends on it
    const whole = end < offsets.length || BigInt(offsets[end - 1]) === last;
    chunks.push({ start, end, retry: whole });
    start = end;
  }
  return chunks;
}
