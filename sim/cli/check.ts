import { CHECK_HELP } from './help.js';
import {
  checkParsed,
  DEFAULT_BUDGET,
  describeOperation,
  HistoryFormatError,
  isModelName,
  MODEL_NAMES,
  parseHistoryFile,
  quote,
  type CheckResult,
  type ModelName,
  type ParsedHistory,
} from '../check/index.js';
import { oneLine, parseCount, parseFlags, parseTime, printable, UsageError } from './args.js';
import { printJson } from './output.js';
import { readInputFile } from './input.js';
import { MICROS_PER_SECOND } from '../time.js';

/** `raftsim check`: is one recorded history linearizable? Exit 0 ok, 1 illegal, 3 unknown. */
export function checkCommand(argv: string[]): number {
  const { values, positionals } = parseFlags('check', argv, {
    model: { type: 'string' },
    budget: { type: 'string' },
    time: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [path, extra] = positionals;
  if (path === undefined) throw new UsageError(`check: a history file is required (${CHECK_HELP})`);
  if (extra !== undefined) throw new UsageError(`check: unexpected argument "${extra}"`);
  const hint = values.model;
  if (hint !== undefined && !isModelName(hint)) {
    throw new UsageError(`--model must be one of ${MODEL_NAMES.join(', ')}, got "${hint}"`);
  }
  const budget = parseCount('budget', values.budget, DEFAULT_BUDGET, 1, Number.MAX_SAFE_INTEGER);
  const seconds =
    values.time === undefined ? null : parseTime('time', values.time, 0) / MICROS_PER_SECOND;
  const history = loadHistory(path, hint);
  const started = performance.now();
  const result = checkParsed(
    history,
    seconds === null
      ? { budget }
      : { budget, outOfTime: () => performance.now() - started > seconds * 1000 },
  );
  const millis = performance.now() - started;
  if (values.json === true) printJson(checkReport(history, result, millis, budget, seconds));
  else process.stdout.write(humanReport(path, history, result, millis));
  return result.verdict === 'ok' ? 0 : result.verdict === 'illegal' ? 1 : 3;
}

function loadHistory(path: string, hint: ModelName | undefined): ParsedHistory {
  const text = readInputFile('check', path);
  try {
    return parseHistoryFile(text, hint);
  } catch (error) {
    if (error instanceof HistoryFormatError)
      throw new UsageError(`check: ${path}: ${error.message}`);
    throw error;
  }
}

function describe(history: ParsedHistory, index: number) {
  const operation = history.operations[index];
  return {
    index,
    client: operation?.client ?? null,
    call: operation?.call ?? null,
    return: operation?.return ?? null,
    operation: describeOperation(history, index),
  };
}

/** The `--json` object: the fields docs/checker.md lists, then the failing partition if any. */
export function checkReport(
  history: ParsedHistory,
  result: CheckResult,
  millis: number,
  budget: number,
  seconds: number | null = null,
) {
  const failure = result.failure;
  return {
    verdict: result.verdict,
    model: result.model,
    operations: result.operations,
    partitions: result.partitions,
    millis: Math.round(millis * 1000) / 1000,
    steps: result.steps,
    budget,
    timeLimitSeconds: seconds,
    outOfTime: result.outOfTime,
    unknownPartitions: result.unknownPartitions,
    failure:
      failure === null
        ? null
        : {
            partition: failure.partition,
            operations: failure.operations.map((index) => describe(history, index)),
            linearized: failure.linearized.map((index) => describe(history, index)),
            stateAfterLinearized: failure.state,
            stuck: failure.stuck === null ? null : describe(history, failure.stuck),
            unwritten: failure.unwritten,
          },
  };
}

function humanReport(
  path: string,
  history: ParsedHistory,
  result: CheckResult,
  millis: number,
): string {
  const summary =
    `check: ${oneLine(path)}: ${result.verdict} (model ${result.model}, ${result.operations} operations, ` +
    `${result.partitions} partition${result.partitions === 1 ? '' : 's'}, ${result.steps} steps, ${millis.toFixed(1)} ms)`;
  const lines = [summary];
  if (result.unknownPartitions.length > 0) {
    const limit = result.outOfTime ? 'time (--time)' : 'budget';
    lines.push(`  out of ${limit} in partitions: ${result.unknownPartitions.join(', ')}`);
  }
  const failure = result.failure;
  if (failure !== null) {
    const partition = `  partition ${quote(failure.partition)}`;
    const stuck = failure.stuck === null ? '?' : describeOperation(history, failure.stuck);
    if (failure.unwritten) {
      lines.push(
        `${partition}: no linearization, found before any search: a read of a value that no ` +
          `write of its ${failure.operations.length} operations leaves`,
        `  the read: ${stuck}`,
      );
    } else {
      lines.push(
        `${partition}: no linearization; the longest found places ` +
          `${failure.linearized.length} of ${failure.operations.length} operations, ` +
          `leaving the state ${failure.state}`,
      );
      if (failure.stuck !== null) lines.push(`  first deadline it misses: ${stuck}`);
    }
  }
  // Keys and values come from the file: a bidi override or an escape in one stays escaped.
  return `${lines.map(printable).join('\n')}\n`;
}
