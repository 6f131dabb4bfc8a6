import { PassThrough } from 'node:stream';
import { reportAirbyteError, useAirbyteLogSink } from '../../src/commands/airbyte.js';
import { ApiDataError } from '../../src/errors.js';
import { MessageWriter } from '../../src/io/message-writer.js';
import { Logger } from '../../src/logging/logger.js';

/** Airbyte mode: LOG and TRACE messages go through the one stdout writer, in order with everything else. */
describe('Airbyte LOG and TRACE messages through the message writer', () => {
  it('keeps each log line in its place among the messages, and a closed stdout does not throw from a log call', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const writer = new MessageWriter(stream);
    const logger = new Logger(undefined, 'info');
    useAirbyteLogSink(logger, writer);
    await writer.write(['{"type":"RECORD","n":1}']);
    logger.info('between the records');
    await writer.write(['{"type":"RECORD","n":2}']);
    reportAirbyteError(new ApiDataError('the API broke'), logger, writer);
    await writer.flush();
    const types = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as { type: string; log?: { message: string } });
    expect(types.map((m) => m.type)).toEqual(['RECORD', 'LOG', 'RECORD', 'TRACE']);
    expect(types[1]!.log!.message).toBe('between the records');
    stream.destroy();
    expect(() => logger.warn('after the reader went away')).not.toThrow();
  });
});
