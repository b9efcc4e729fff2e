export { HOST_IMAGE, ProcessDriver, type ProcessDriverOptions } from './process-driver.js';
