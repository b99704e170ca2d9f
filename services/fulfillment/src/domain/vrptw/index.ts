// Public surface of the VRPTW solver used by the fulfillment service.

export { solveVrptw, InvalidProblemError } from './solve.js';
export { validateProblem } from './problem.js';
export type {
  PlannedRoute, PlannedVisit, RoutePlan, SolveOptions, SolveProgress, UnservedReason, UnservedStop,
  VrptwProblem, VrptwStop, VrptwVehicle,
} from './problem.js';
