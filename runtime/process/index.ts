export { HOST_IMAGE } from '../../proto/types.js';
export { ProcessDriver, type ProcessDriverOptions } from './process-driver.js';
