import { Module } from '@nestjs/common';
import { WebController } from './web.controller';

/** Serves the dashboard built from apps/web at `/`. */
@Module({ controllers: [WebController] })
export class WebModule {}
