/** engine: the app's one door to the engine worker. */
export { EngineClient, engineWorker, type EngineStatus, type RestartNotice } from './client';
