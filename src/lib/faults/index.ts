/**
 * Failure injection: fault specs and FaultSchedule documents (parse, documents), the runtime's
 * pure state machine (schedule) and what faults do to the simulated cluster (effects).
 *
 * @module
 */
export * from './types';
export { parseFault, parseSchedule, parseDurationMs, isRoomConfig, type FaultError } from './parse';
export { roomConfigDiagnostics, schedulesOfFiles } from './documents';
export { inject, recover, syncSchedules, dueSteps, markFired, nextDue, scheduleView, type Step } from './schedule';
export { kubeletStateOf, pressureOf, parsePressure, imageMatches, podMatches, crashes, describeFault, CRASH_AFTER_SECONDS } from './effects';
