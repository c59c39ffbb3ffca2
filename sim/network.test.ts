import { expect } from 'chai';
import { LOST, Network } from './network.js';
import { PROFILES, longReordering, reliable, unreliable, type NetworkProfile } from './profiles.js';
import { RandomStream } from './random.js';

const SAMPLE = 100_000;

function sample(profile: NetworkProfile, isReply: boolean) {
  const network = new Network(3, new RandomStream('network', 12345), profile);
  const delays: number[] = [];
  let lost = 0;
  let duplicated = 0;
  for (let i = 0; i < SAMPLE; i++) {
    const delay = network.fate(isReply, 10);
    if (delay === LOST) lost++;
    else delays.push(delay);
    if (network.duplicateDelay !== LOST) duplicated++;
  }
  return { lost, duplicated, delays, network };
}

describe('network profiles (fixed seed, 100k messages each)', () => {
  it('reliable: nothing lost, every delay within 0.1–0.5 ms', () => {
    for (const isReply of [false, true]) {
      const { lost, delays } = sample(reliable, isReply);
      expect(lost).to.equal(0);
      expect(Math.min(...delays)).to.be.at.least(100);
      expect(Math.max(...delays)).to.be.at.most(500);
    }
  });

  it('unreliable: 10 % of requests and 10 % of replies lost, requests wait 0–27 ms', () => {
    const requests = sample(unreliable, false);
    expect(requests.lost / SAMPLE).to.be.within(0.095, 0.105);
    expect(Math.min(...requests.delays)).to.be.at.least(0);
    expect(Math.max(...requests.delays)).to.be.within(26_000, 27_000);
    const replies = sample(unreliable, true);
    expect(replies.lost / SAMPLE).to.be.within(0.095, 0.105);
    expect(Math.max(...replies.delays)).to.be.at.most(500);
  });

  it('longReordering: about 2/3 of replies held back 200–2200 ms, skewed short', () => {
    const { delays } = sample(longReordering, true);
    const held = delays.filter((d) => d >= 200_000);
    expect(held.length / delays.length).to.be.within(0.64, 0.69);
    expect(Math.max(...held)).to.be.at.most(2_200_000);
    const median = held.sort((a, b) => a - b)[held.length >> 1] as number;
    expect(median).to.be.below(700_000); // uniform below a uniform bound: median well under 1.2 s
    const requests = sample(longReordering, false);
    expect(Math.max(...requests.delays)).to.be.at.most(27_000);
  });

  it('exponential: mean near 5 ms, capped at 100 ms', () => {
    const { delays } = sample(PROFILES['exponential'] as NetworkProfile, false);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).to.be.within(4_800, 5_200);
    expect(Math.max(...delays)).to.be.at.most(100_000);
  });

  it('longTail: about 2 % of delivered messages wait 0.5–3 s', () => {
    const { delays } = sample(PROFILES['longTail'] as NetworkProfile, false);
    const slow = delays.filter((d) => d >= 500_000);
    expect(slow.length / delays.length).to.be.within(0.017, 0.023);
    expect(Math.max(...slow)).to.be.at.most(3_000_000);
  });

  it('duplicating: about 5 % of delivered messages get a second copy', () => {
    const { duplicated, delays } = sample(PROFILES['duplicating'] as NetworkProfile, false);
    expect(duplicated / delays.length).to.be.within(0.045, 0.055);
  });

  it('counts the bytes of requests and replies apart', () => {
    const network = new Network(2, new RandomStream('n', 1), reliable);
    network.fate(false, 7);
    network.fate(true, 5);
    network.fate(true, 5);
    expect(network.requestBytes).to.equal(7);
    expect(network.replyBytes).to.equal(10);
    expect(network.messagesSent).to.equal(3);
  });
});

describe('network links', () => {
  it('a one-way cut blocks one direction only', () => {
    const network = new Network(3, new RandomStream('n', 1), reliable);
    network.setLink(0, 1, false);
    expect(network.isUp(0, 1)).to.equal(false);
    expect(network.isUp(1, 0)).to.equal(true);
    expect(network.downLinks()).to.deep.equal([[0, 1]]);
  });

  it('a partition connects each group inside only; nodes in no group are isolated', () => {
    const network = new Network(5, new RandomStream('n', 1), reliable);
    network.partition([
      [0, 1],
      [2, 3],
    ]);
    expect(network.isUp(0, 1) && network.isUp(1, 0) && network.isUp(2, 3)).to.equal(true);
    expect(network.isUp(1, 2) || network.isUp(3, 0)).to.equal(false);
    for (let other = 0; other < 4; other++) {
      expect(network.isUp(4, other) || network.isUp(other, 4)).to.equal(false);
    }
    expect(() =>
      network.partition([
        [0, 1],
        [1, 2],
      ]),
    ).to.throw(/two groups/);
  });

  it('isolate cuts a node both ways; heal restores everything', () => {
    const network = new Network(3, new RandomStream('n', 1), reliable);
    network.isolate(2);
    expect(network.downLinks()).to.have.length(4);
    network.heal();
    expect(network.downLinks()).to.deep.equal([]);
  });
});
