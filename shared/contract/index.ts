// The IPC contract: import everything from here.
export * from './errors';
export * from './error-phrases';
export * from './common';
export * from './jobs';
export * from './channels';
export * from './events';
export * from './api';
export * from './wire';
export * from './serve';
