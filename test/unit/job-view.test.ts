import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { withLiveState, type JobView } from '../../src/queue/job-view.js';

const base: JobView = {
  id: 'execute-00000000-0000-4000-8000-000000000000',
  type: 'execute',
  status: 'active',
  tenant: 'default',
  traceId: 't',
  idempotencyKey: null,
  parentJobId: null,
  attempts: 1,
  maxAttempts: 3,
  workerId: 'w1',
  leaseDeadline: null,
  enqueuedAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  input: {},
  result: null,
  error: null,
  artifacts: [],
};
// Only the fields withLiveState reads; a BullMQ Job is a class bound to a queue connection.
const job = (attemptsMade: number, attemptsStarted = attemptsMade) => ({ attemptsMade, attemptsStarted }) as unknown as Job;

describe('withLiveState', () => {
  it('shows a job that BullMQ moved back to waiting after a stall as queued, without the dead worker', () => {
    expect(withLiveState(base, job(0, 1), 'waiting', -2)).toMatchObject({ status: 'queued', workerId: null, leaseDeadline: null });
  });
  it('shows a running job with its lease deadline', () => {
    const view = withLiveState({ ...base, status: 'queued', workerId: null }, job(0, 1), 'active', 2500);
    expect(view.status).toBe('active');
    expect(Date.parse(view.leaseDeadline!) - Date.now()).toBeGreaterThan(2000);
  });
  it('shows a parent parked for its children as waiting, without a lease, though its record still says active', () => {
    expect(withLiveState({ ...base, status: 'active' }, job(0, 1), 'waiting-children', 2500)).toMatchObject({ status: 'waiting', leaseDeadline: null });
  });
  it('shows a delayed job with attempts behind it as retrying, and a first delayed one as queued', () => {
    expect(withLiveState({ ...base, status: 'queued' }, job(1, 1), 'delayed', -2).status).toBe('retrying');
    expect(withLiveState({ ...base, status: 'queued' }, job(0, 0), 'delayed', -2).status).toBe('queued');
  });
  it('takes the result of a job BullMQ finished before the graph record caught up from BullMQ', () => {
    const finished = { attemptsMade: 0, attemptsStarted: 1, returnvalue: { steps: 3 }, finishedOn: Date.parse('2026-01-01T00:00:01.000Z') } as unknown as Job;
    expect(withLiveState(base, finished, 'completed', -2)).toMatchObject({ status: 'completed', result: { steps: 3 }, finishedAt: '2026-01-01T00:00:01.000Z' });
  });
  it('never overrides a finished record', () => {
    expect(withLiveState({ ...base, status: 'cancelled' }, job(1), 'waiting', -2).status).toBe('cancelled');
  });
});
