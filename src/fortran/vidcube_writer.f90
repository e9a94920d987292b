! vidcube_writer.f90: Fortran 2003 interface to the time-step writer
! (vidcube_writer.h, libvidcube_nc): append time steps to a netCDF-4
! variable (or an HDF5 dataset) compressed by vidcube, each chunk encoded
! exactly once, the partly filled last chunk written on close.
!
!     use vidcube;  use vidcube_writer
!     type(vidcube_step_writer) :: w
!     call vidcube_writer_create(w, status)
!     ! in define mode, after nf90_def_var (or nc_def_var) of t2m(lon, lat, time):
!     call vidcube_writer_def_nc(w, ncid, 't2m', 24, p, status)  ! 24 steps a chunk
!     ! after nf90_enddef:
!     call vidcube_writer_open_nc(w, ncid, 't2m', status)
!     do t = 1, nt
!        call vidcube_writer_append_f32(w, field(:, :, t), status)   ! one step
!     end do
!     call vidcube_writer_close(w, status)                        ! last chunk
!     if (status /= VC_OK) print *, vidcube_writer_error(w)
!     call vidcube_writer_free(w)
!     ! then nf90_close, and check it: HDF5 may run the filter there
!
! Variables are named, not numbered, because netCDF-Fortran numbers them
! from 1 and netCDF-C from 0; ncid is the same in both. Time is the last
! Fortran dimension (the first in C): one step is field(:, :, t).
!
! Copyright (C) 2026 the vidcube authors. GPL-2.0-or-later.
module vidcube_writer
  use, intrinsic :: iso_c_binding
  use vidcube
  implicit none
  private

  type, public :: vidcube_step_writer
     type(c_ptr) :: ptr = c_null_ptr
  end type vidcube_step_writer

  type, bind(C), public :: vc_writer_stats
     integer(c_int)    :: dtype
     integer(c_size_t) :: step_values, chunk_steps, first_step, steps, buffered, writes, &
          buffer_bytes
  end type vc_writer_stats

  public :: vidcube_writer_create, vidcube_writer_free, vidcube_writer_error, &
       vidcube_writer_def_nc, vidcube_writer_open_nc, vidcube_writer_open_h5, &
       vidcube_writer_append_f32, vidcube_writer_append_f64, vidcube_writer_close, &
       vidcube_writer_stats

  interface
     function c_writer_create() bind(C, name='vc_writer_create') result(w)
       import :: c_ptr
       type(c_ptr) :: w
     end function c_writer_create
     subroutine c_writer_free(w) bind(C, name='vc_writer_free')
       import :: c_ptr
       type(c_ptr), value :: w
     end subroutine c_writer_free
     function c_writer_error(w) bind(C, name='vc_writer_error') result(s)
       import :: c_ptr
       type(c_ptr), value :: w
       type(c_ptr) :: s
     end function c_writer_error
     function c_writer_def_nc(w, ncid, varid, chunk_steps, p) bind(C, name='vc_writer_def_nc') &
          result(rc)
       import :: c_ptr, c_int, c_size_t, vc_params
       type(c_ptr), value :: w
       integer(c_int), value :: ncid, varid
       integer(c_size_t), value :: chunk_steps
       type(vc_params), intent(in) :: p
       integer(c_int) :: rc
     end function c_writer_def_nc
     function c_writer_open_nc(w, ncid, varid) bind(C, name='vc_writer_open_nc') result(rc)
       import :: c_ptr, c_int
       type(c_ptr), value :: w
       integer(c_int), value :: ncid, varid
       integer(c_int) :: rc
     end function c_writer_open_nc
     function c_writer_open_h5(w, dset) bind(C, name='vc_writer_open_h5') result(rc)
       import :: c_ptr, c_int, c_int64_t
       type(c_ptr), value :: w
       integer(c_int64_t), value :: dset
       integer(c_int) :: rc
     end function c_writer_open_h5
     function c_writer_append(w, dtype, data, nsteps) bind(C, name='vc_writer_append') &
          result(rc)
       import :: c_ptr, c_int, c_size_t
       type(c_ptr), value :: w, data
       integer(c_int), value :: dtype
       integer(c_size_t), value :: nsteps
       integer(c_int) :: rc
     end function c_writer_append
     function c_writer_close(w) bind(C, name='vc_writer_close') result(rc)
       import :: c_ptr, c_int
       type(c_ptr), value :: w
       integer(c_int) :: rc
     end function c_writer_close
     function c_writer_stats_get(w, s) bind(C, name='vc_writer_stats_get') result(rc)
       import :: c_ptr, c_int, vc_writer_stats
       type(c_ptr), value :: w
       type(vc_writer_stats), intent(out) :: s
       integer(c_int) :: rc
     end function c_writer_stats_get
     ! netCDF-C itself, to find a variable by name.
     function c_nc_inq_varid(ncid, name, varid) bind(C, name='nc_inq_varid') result(rc)
       import :: c_int, c_char
       integer(c_int), value :: ncid
       character(kind=c_char), intent(in) :: name(*)
       integer(c_int), intent(out) :: varid
       integer(c_int) :: rc
     end function c_nc_inq_varid
  end interface

contains

  subroutine vidcube_writer_create(w, status)
    type(vidcube_step_writer), intent(out) :: w
    integer, intent(out) :: status
    w%ptr = c_writer_create()
    status = VC_OK
    if (.not. c_associated(w%ptr)) status = VC_ERR_NOMEM
  end subroutine vidcube_writer_create

  subroutine vidcube_writer_free(w)
    type(vidcube_step_writer), intent(inout) :: w
    call c_writer_free(w%ptr)
    w%ptr = c_null_ptr
  end subroutine vidcube_writer_free

  !> What went wrong in the last call on w, in a sentence ('' if nothing).
  function vidcube_writer_error(w) result(msg)
    type(vidcube_step_writer), intent(in) :: w
    character(len=:), allocatable :: msg
    msg = vidcube_c_string(c_writer_error(w%ptr))
  end function vidcube_writer_error

  ! The C id of a named variable. The writer's message cannot be set from
  ! here, so a missing name is reported on stderr.
  subroutine varid_of(ncid, name, varid, status)
    use, intrinsic :: iso_fortran_env, only: error_unit
    integer, intent(in) :: ncid
    character(len=*), intent(in) :: name
    integer(c_int), intent(out) :: varid
    integer, intent(out) :: status
    status = VC_OK
    if (c_nc_inq_varid(int(ncid, c_int), trim(name) // c_null_char, varid) /= 0) then
       status = VC_ERR_PARAM
       write (error_unit, '(3a)') 'vidcube_writer: no variable named "', trim(name), &
            '" in this netCDF file or group'
    end if
  end subroutine varid_of

  !> In define mode: chunk variable `name` as chunk_steps time steps by the
  !> whole of its other dimensions, and request the vidcube filter.
  subroutine vidcube_writer_def_nc(w, ncid, name, chunk_steps, params, status)
    type(vidcube_step_writer), intent(inout) :: w
    integer, intent(in) :: ncid, chunk_steps
    character(len=*), intent(in) :: name
    type(vc_params), intent(in) :: params
    integer, intent(out) :: status
    integer(c_int) :: varid
    call varid_of(ncid, name, varid, status)
    if (status == VC_OK) status = int(c_writer_def_nc(w%ptr, int(ncid, c_int), varid, &
         int(chunk_steps, c_size_t), params))
  end subroutine vidcube_writer_def_nc

  !> Start appending to variable `name` (at its end if time is unlimited).
  subroutine vidcube_writer_open_nc(w, ncid, name, status)
    type(vidcube_step_writer), intent(inout) :: w
    integer, intent(in) :: ncid
    character(len=*), intent(in) :: name
    integer, intent(out) :: status
    integer(c_int) :: varid
    call varid_of(ncid, name, varid, status)
    if (status == VC_OK) status = int(c_writer_open_nc(w%ptr, int(ncid, c_int), varid))
  end subroutine vidcube_writer_open_nc

  !> Start appending to an HDF5 dataset (an integer(HID_T) from HDF5-Fortran).
  subroutine vidcube_writer_open_h5(w, dset, status)
    type(vidcube_step_writer), intent(inout) :: w
    integer(c_int64_t), intent(in) :: dset
    integer, intent(out) :: status
    status = int(c_writer_open_h5(w%ptr, dset))
  end subroutine vidcube_writer_open_h5

  !> Append nsteps (default 1) time steps held in x (real(c_float): _f32,
  !> real(c_double): _f64), of the variable's own type.
  subroutine vidcube_writer_append_f32(w, x, status, nsteps)
    type(vidcube_step_writer), intent(inout) :: w
    real(c_float), intent(in), target :: x(*)
    integer, intent(out) :: status
    integer, intent(in), optional :: nsteps
    status = int(c_writer_append(w%ptr, int(VC_FLOAT32, c_int), c_loc(x(1)), steps_of(nsteps)))
  end subroutine vidcube_writer_append_f32

  subroutine vidcube_writer_append_f64(w, x, status, nsteps)
    type(vidcube_step_writer), intent(inout) :: w
    real(c_double), intent(in), target :: x(*)
    integer, intent(out) :: status
    integer, intent(in), optional :: nsteps
    status = int(c_writer_append(w%ptr, int(VC_FLOAT64, c_int), c_loc(x(1)), steps_of(nsteps)))
  end subroutine vidcube_writer_append_f64

  pure function steps_of(nsteps) result(n)
    integer, intent(in), optional :: nsteps
    integer(c_size_t) :: n
    n = 1
    if (present(nsteps)) n = int(nsteps, c_size_t)
  end function steps_of

  !> Write the partly filled last chunk and release the variable.
  subroutine vidcube_writer_close(w, status)
    type(vidcube_step_writer), intent(inout) :: w
    integer, intent(out) :: status
    status = int(c_writer_close(w%ptr))
  end subroutine vidcube_writer_close

  subroutine vidcube_writer_stats(w, s, status)
    type(vidcube_step_writer), intent(in) :: w
    type(vc_writer_stats), intent(out) :: s
    integer, intent(out) :: status
    status = int(c_writer_stats_get(w%ptr, s))
  end subroutine vidcube_writer_stats

end module vidcube_writer
