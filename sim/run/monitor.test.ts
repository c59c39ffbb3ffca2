import { expect } from 'chai';
import type { RaftMessage } from '../../raft/messages.js';
import type { MutantId } from '../../raft/mutants.js';
import type { RaftNode } from '../../raft/node.js';
import { raftProgram } from '../../raft/program.js';
import { logIndex, term } from '../../raft/types.js';
import { violationRaised } from '../testing/violations.js';
import { reliable } from '../profiles.js';
import { World } from '../world.js';
import { attachMonitor, rawRaftBinding } from './monitor.js';

/** Three Raft nodes under the monitor; node 1 gets a RequestVote of term 5 from node 0. */
function voteInNewTerm(mutant: MutantId | null): string | null {
  const world = new World({
    nodes: 3,
    seed: 1,
    profile: reliable,
    program: raftProgram({}, mutant),
  });
  attachMonitor(world, rawRaftBinding<RaftNode>(3));
  world.start();
  const request: RaftMessage = {
    type: 'RequestVote',
    term: term(5),
    lastLogIndex: logIndex(0),
    lastLogTerm: term(0),
  };
  return violationRaised(() => world.host(1).deliver(0, request))?.invariant ?? null;
}

describe('monitor binding: G5 reads the saved bytes', () => {
  it('Z02 on a vote that raises the term (save term, grant, save vote) fails G5', () => {
    // Node 1 saves (term 5, no vote), sends the grant, then saves the vote: at the grant the
    // node's live fields already hold the vote, but the bytes on disk do not.
    expect(voteInNewTerm('Z02')).to.equal('G5');
  });

  it('the correct Raft saves the vote before the grant leaves', () => {
    expect(voteInNewTerm(null)).to.equal(null);
  });
});
