import { ViolationError, type Violation } from '../monitors/view.js';

/** Runs `act` and returns the violation it raised, or null; any other error goes on up. */
export function violationRaised(act: () => void): Violation | null {
  try {
    act();
    return null;
  } catch (error) {
    if (error instanceof ViolationError) return error.violation;
    throw error;
  }
}
