import bootstrap from './bootstrap';
import config from './config';
import controllers from './controllers';
import middlewares from './middlewares';
import register from './register';
import routes from './routes';
import services from './services';
import destroy from './destroy';

export default { register, bootstrap, destroy, config, controllers, middlewares, routes, services };
