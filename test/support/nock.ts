import { afterAll } from '@jest/globals';
import nock from 'nock';

/**
 * nock, let go of when the test file ends. nock patches Node's `http` module, which every test file run by one Jest
 * worker shares; without `restore()` its interceptor stays in front of every later file's requests to real servers
 * (Jest's "accessed after it was soft deleted" warning), and those files then test nock's pass-through, not Node's.
 */
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});

export default nock;
