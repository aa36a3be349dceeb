const { winston, formats } = require('@strapi/logger');

// LOG_LEVEL sets what the console shows; IMBACHAT_LOG_FILE (set by the tests) also keeps every
// line, debug included, in a file, so a test can look for secrets in what Strapi logged.
const file = process.env.IMBACHAT_LOG_FILE;

module.exports = {
  level: file ? 'debug' : process.env.LOG_LEVEL || 'http',
  transports: [
    new winston.transports.Console({
      level: process.env.LOG_LEVEL || 'http',
      format: winston.format.combine(formats.prettyPrint({ timestamps: 'YYYY-MM-DD HH:mm:ss.SSS' })),
    }),
    ...(file ? [new winston.transports.File({ filename: file, level: 'debug', format: winston.format.simple() })] : []),
  ],
};
