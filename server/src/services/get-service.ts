import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type services from '../services';

type Services = typeof services;
type ServiceName = keyof Services;

/** The plugin's services, typed. */
export const getService = <Name extends ServiceName>(strapi: Core.Strapi, name: Name) =>
  strapi.plugin(PLUGIN_ID).service(name) as ReturnType<Services[Name]>;
