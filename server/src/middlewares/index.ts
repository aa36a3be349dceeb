import basicAuth from './basic-auth';

export default { 'basic-auth': basicAuth };
