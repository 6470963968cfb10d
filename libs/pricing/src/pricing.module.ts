import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelPrice } from './model-price.entity';
import { ModelPriceResolver } from './model-price.resolver';

@Module({ imports: [TypeOrmModule.forFeature([ModelPrice])], providers: [ModelPriceResolver] })
export class PricingModule {}
