import { IsUUID } from 'class-validator';

export class AssignSeatCommand {
  @IsUUID() planId: string;
  @IsUUID() userId: string;
}
