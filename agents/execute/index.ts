export { createExecuteProcessor, type ExecuteDeps, type StepReport } from './processor.js';
export { createActionRegistry, type ActionDeps, type ActionRegistry } from './registry.js';
export { createExecuteCheck, type StoredFlow } from './flow.js';
export { createActionLedger, ledgerKey, type ActionLedger } from './ledger.js';
export { createHttpCaller, type HttpCaller } from './http-call.js';
export { defineAction, type Action, type AnyAction, type ActionContext } from './action.js';
