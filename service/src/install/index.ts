export { INSTALL_QUEUES, INSTALL_SCHEDULES, installWorkers } from './jobs.js';
export { installRoutes } from './routes.js';
