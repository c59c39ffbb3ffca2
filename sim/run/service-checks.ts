import { KvServer } from '../../raft/kv/server.js';
import type { KvCommand } from '../../raft/kv/types.js';
import { ReturnCheck } from './clerk-returns.js';
import type { KvWorld } from './convergence.js';
import { AnswerCheck } from './kv-answers.js';
import type { Workload } from './workload.js';

/** The service's two DUR checks as messages move: servers' answers, clerks' returns. */
export interface ServiceChecks {
  readonly answers: AnswerCheck;
  readonly returns: ReturnCheck;
}

/**
 * Puts the checks on the world's observer, after what observes it already (the monitors): they
 * hear of each send, each delivery and the end of each input.
 */
export function attachServiceChecks(
  world: KvWorld,
  log: readonly (KvCommand | undefined)[],
  servers: number,
  workload: Pick<Workload, 'openCall'>,
): ServiceChecks {
  const now = () => ({ t: world.scheduler.now, event: world.trace.events });
  const answers = new AnswerCheck(
    log,
    servers,
    workload,
    (node) => {
      const server = world.host(node).instance;
      return server instanceof KvServer ? server.appliedIndex : 0;
    },
    now,
  );
  const returns = new ReturnCheck(servers, world.nodes - servers, now);
  const inner = world.observer;
  if (inner === null) throw new Error('attachServiceChecks: attach the monitors first');
  world.observer = {
    ...inner,
    beforeSend: (node, to, message) => {
      inner.beforeSend(node, to, message);
      answers.beforeSend(node, to, message);
      returns.beforeSend(node, to, message);
    },
    beforeDeliver: (node, from, message) => {
      inner.beforeDeliver?.(node, from, message);
      returns.beforeDeliver(node, from, message);
    },
    afterInput: (node) => {
      inner.afterInput(node);
      returns.afterInput(node);
    },
  };
  return { answers, returns };
}
