/**
 * Every vote ever seen: per node, term → candidate. Votes are durable state, so the record
 * survives a node's restarts: a node may not vote twice in a term (G3), may not forget a vote
 * across a restart (G3), and a leader of a term must hold a majority of that term's votes (ES).
 */
export class VoteRecord {
  private readonly votes: Map<number, number>[];

  constructor(private readonly servers: number) {
    this.votes = Array.from({ length: servers }, () => new Map<number, number>());
  }

  /** Records a vote; returns the earlier, different candidate of that term if there was one. */
  record(node: number, term: number, candidate: number): number | null {
    const votes = this.votes[node] as Map<number, number>;
    const earlier = votes.get(term);
    votes.set(term, candidate);
    return earlier !== undefined && earlier !== candidate ? earlier : null;
  }

  votedIn(node: number, term: number): number | undefined {
    return this.votes[node]?.get(term);
  }

  /** How many nodes voted for `candidate` in `term`. */
  votesFor(candidate: number, term: number): number {
    let count = 0;
    for (let node = 0; node < this.servers; node++)
      if (this.votes[node]?.get(term) === candidate) count++;
    return count;
  }
}
