/** For tests: runs `run` with standard error captured, and gives back what it wrote there. */
export async function capturingStderr<T>(
  run: () => T | Promise<T>,
): Promise<{ result: T; stderr: string }> {
  const chunks: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0;
  try {
    const result = await run();
    return { result, stderr: chunks.join('') };
  } finally {
    process.stderr.write = write;
  }
}
