/**
 * The one import of the certificate library (@peculiar/x509), after the polyfill it needs,
 * with Node's WebCrypto as its provider. Only what makes certificates and requests loads it
 * (the CA, and a node asking for a certificate): what reads certificates uses node:crypto.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
